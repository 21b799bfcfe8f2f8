// One key press as Console.ReadKey returns it: the character it types and which key it was.
namespace BuddyOS.Kernel
{
    internal enum ConsoleKey
    {
        Character,   // KeyChar holds what it types
        Enter,
        Backspace,
        Tab,
        Escape,
    }

    internal readonly struct ConsoleKeyInfo
    {
        public readonly char KeyChar;
        public readonly ConsoleKey Key;

        public ConsoleKeyInfo(char keyChar, ConsoleKey key)
        {
            KeyChar = keyChar;
            Key = key;
        }
    }
}
