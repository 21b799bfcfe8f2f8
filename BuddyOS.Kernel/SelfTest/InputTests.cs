// The keyboard's scancode set 1 decoder, fed by hand (no interrupt involved): letters, digits, shift, caps
// lock (letters only; shift undoes it), backspace, enter, keypad enter, and the codes it must ignore.
using BuddyOS.Kernel.Drivers;

namespace BuddyOS.Kernel.SelfTest
{
    internal static unsafe class InputTests
    {
        public static void KeyboardLayout(TestContext t)
        {
            Keyboard8042.ResetDecoder();
            // Make and break codes, one expected character each; '_' stands for "no character".
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
                0xE0, 0x48, 0xE0, 0xC8, // up arrow press and release: ignored
                0x39, 0x0C, 0x2B,       // space, minus, backslash
            };
            const string expected = "h__H___A_a_" + "1_1_!_" + "\b\n" + "_\n" + "____" + " -\\";
            int count = expected.Length;
            char* got = stackalloc char[count];
            int n = 0;
            for (int i = 0; i < count; i++)
                got[n++] = Keyboard8042.Decode(codes[i], out char c) ? c : '_';
            Keyboard8042.ResetDecoder();
            t.Equal(expected, new string(got, 0, n), "decoded characters (_: none) for the scancode sequence");
        }
    }
}
