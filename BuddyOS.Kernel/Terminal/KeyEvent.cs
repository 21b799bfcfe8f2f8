// One key press as the terminal's decoders produce it and the line editor consumes it: which key, the
// character it types, and whether Ctrl was held (then Char is the lower-case letter: Ctrl-C is Control + 'c').
// Pure data: compiled into the kernel and into the host tests.
namespace BuddyOS.Kernel.Terminal
{
    internal enum TerminalKey : byte
    {
        None,
        Character,   // Char holds what it types (or, with Control, the letter)
        Enter,
        Backspace,
        Tab,
        Escape,
        Up,
        Down,
        Left,
        Right,
        Home,
        End,
        Insert,
        Delete,
        PageUp,
        PageDown,
    }

    internal readonly struct KeyEvent
    {
        public readonly TerminalKey Key;
        public readonly char Char;
        public readonly bool Control;

        public KeyEvent(TerminalKey key, char c = '\0', bool control = false)
        {
            Key = key;
            Char = c;
            Control = control;
        }

        public static KeyEvent Character(char c) => new KeyEvent(TerminalKey.Character, c);

        // Ctrl + a letter; `letter` is lower case.
        public static KeyEvent Ctrl(char letter) => new KeyEvent(TerminalKey.Character, letter, control: true);

        // Ctrl-C: cancels the line being typed, or a command that waits.
        public bool IsInterrupt => Control && Key == TerminalKey.Character && Char == 'c';
    }
}
