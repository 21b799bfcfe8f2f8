// The terminal's decoders fed by hand (no interrupt involved), in the kernel as built: scancode set 1 (letters,
// shift, caps lock, Ctrl, extended keys) and a terminal's bytes on COM1 (both cursor-key encodings, ESC [ n ~).
// The host runs the same sources through many more cases (BuddyOS.Tests/Terminal/).
using BuddyOS.Kernel.Terminal;

namespace BuddyOS.Kernel.SelfTest
{
    internal static unsafe class InputTests
    {
        public static void KeyboardLayout(TestContext t)
        {
            Ps2KeyDecoder decoder = default;
            // Make and break codes; '_' stands for "no key", arrows as ^ v < >, Delete as D, Ctrl-C as C.
            byte* codes = stackalloc byte[]
            {
                0x23, 0xA3,             // h press, release
                0x2A, 0x23, 0xAA,       // shift, H, shift up
                0x3A, 0xBA, 0x1E,       // caps lock on: A
                0x2A, 0x1E, 0xAA,       // shift undoes caps: a
                0x02, 0x3A, 0x02,       // 1, caps lock off, 1 again (caps does not shift digits)
                0x36, 0x02, 0xB6,       // right shift: !
                0x0E, 0x1C,             // backspace, enter
                0xE0, 0x1C,             // keypad enter
                0xE0, 0x48, 0xE0, 0xC8, // up arrow press and release
                0xE0, 0x4B, 0xE0, 0x53, // left arrow, delete
                0x1D, 0x2E, 0x9D,       // ctrl, c (Ctrl-C), ctrl up
                0x39, 0x0C, 0x2B,       // space, minus, backslash
            };
            const string expected = "h__H___A_a_" + "1_1_!_" + "\b\n" + "_\n" + "_^__" + "_<_D" + "_C_" + " -\\";
            int count = expected.Length;
            char* got = stackalloc char[count];
            for (int i = 0; i < count; i++)
                got[i] = decoder.Feed(codes[i], out KeyEvent key) ? Show(key) : '_';
            t.Equal(expected, new string(got, 0, count), "keys (_: none) for the scancode sequence");

            SerialKeyDecoder serial = default;
            const string bytes = "a\x1b[A\x1bOB\x1b[3~\x1b[1;5C\r\n\x03\x7f";
            const string keys = "a" + "__^" + "__v" + "___D" + "_____>" + "\n_" + "C" + "\b";
            char* seen = stackalloc char[bytes.Length];
            for (int i = 0; i < bytes.Length; i++)
                seen[i] = serial.Feed((byte)bytes[i], out KeyEvent key) ? Show(key) : '_';
            t.Equal(keys, new string(seen, 0, bytes.Length), "keys (_: none) for the terminal's bytes");
        }

        private static char Show(KeyEvent key) => key.Key switch
        {
            TerminalKey.Up => '^',
            TerminalKey.Down => 'v',
            TerminalKey.Left => '<',
            TerminalKey.Right => '>',
            TerminalKey.Delete => 'D',
            TerminalKey.Enter => '\n',
            TerminalKey.Backspace => '\b',
            _ => key.IsInterrupt ? 'C' : key.Char,
        };
    }
}
