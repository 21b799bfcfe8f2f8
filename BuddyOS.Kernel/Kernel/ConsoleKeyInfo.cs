// One key press as Console.ReadKey returns it: the character it types, which key it was, and whether Ctrl was held.
namespace BuddyOS.Kernel
{
    internal enum ConsoleKey
    {
        Character,   // KeyChar holds what it types
        Enter,
        Backspace,
        Tab,
        Escape,
        UpArrow,
        DownArrow,
        LeftArrow,
        RightArrow,
        Home,
        End,
        Insert,
        Delete,
        PageUp,
        PageDown,
    }

    internal readonly struct ConsoleKeyInfo
    {
        public readonly char KeyChar;
        public readonly ConsoleKey Key;
        public readonly bool Control;

        public ConsoleKeyInfo(char keyChar, ConsoleKey key, bool control = false)
        {
            KeyChar = keyChar;
            Key = key;
            Control = control;
        }
    }
}
