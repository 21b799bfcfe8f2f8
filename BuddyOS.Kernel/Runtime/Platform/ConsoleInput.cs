// The terminal's input as the byte stream a program reading descriptor 0 of a Linux terminal gets. Keys come
// from the kernel console's one input path (the PS/2 keyboard and COM1 through Terminal/'s decoders: the
// shell's line editor reads the same queue) and are sent as a VT terminal sends them: characters as UTF-8,
// Enter as CR, Backspace as DEL, Ctrl + a letter as its control character, the cursor and editing keys as
// ESC [ A ... ESC [ 6 ~. CoreLib's KeyParser turns them back into ConsoleKeyInfo for ConsoleDevice.ReadKey.
using BuddyOS.Kernel.Terminal;

namespace BuddyOS.Kernel.Runtime.Platform
{
    internal static unsafe class ConsoleInput
    {
        // The bytes of the last key not yet read (at most 4: ESC [ n ~, or a UTF-8 character).
        private static ulong s_pending;
        private static int s_pendingCount;

        public static bool Available
        {
            get
            {
                if (s_pendingCount > 0)
                    return true;
                if (!ConsoleDevice.TryTakeKey(out KeyEvent key))
                    return false;
                Encode(key);
                return s_pendingCount > 0;
            }
        }

        // Blocks until at least one byte is there, then returns what is (up to count) without waiting again.
        public static int Read(byte* buffer, int count)
        {
            if (count <= 0)
                return 0;
            while (s_pendingCount == 0)
                Encode(ConsoleDevice.ReadKeyEvent());
            int n = 0;
            while (n < count && (s_pendingCount > 0 || Available))
            {
                buffer[n++] = (byte)s_pending;
                s_pending >>= 8;
                s_pendingCount--;
            }
            return n;
        }

        public static void WaitForInput()
        {
            if (s_pendingCount == 0)
                Encode(ConsoleDevice.ReadKeyEvent());
        }

        private static void Encode(KeyEvent key)
        {
            switch (key.Key)
            {
                case TerminalKey.Character when key.Control:
                    Put((byte)(key.Char & 0x1F));
                    break;
                case TerminalKey.Character:
                    PutUtf8(key.Char);
                    break;
                case TerminalKey.Enter: Put((byte)'\r'); break;
                case TerminalKey.Backspace: Put(0x7F); break;
                case TerminalKey.Tab: Put((byte)'\t'); break;
                case TerminalKey.Escape: Put(0x1B); break;
                case TerminalKey.Up: Csi('A'); break;
                case TerminalKey.Down: Csi('B'); break;
                case TerminalKey.Right: Csi('C'); break;
                case TerminalKey.Left: Csi('D'); break;
                case TerminalKey.Home: Csi('H'); break;
                case TerminalKey.End: Csi('F'); break;
                case TerminalKey.Insert: Tilde('2'); break;
                case TerminalKey.Delete: Tilde('3'); break;
                case TerminalKey.PageUp: Tilde('5'); break;
                case TerminalKey.PageDown: Tilde('6'); break;
            }
        }

        private static void Csi(char final)
        {
            Put(0x1B);
            Put((byte)'[');
            Put((byte)final);
        }

        private static void Tilde(char n)
        {
            Csi(n);
            Put((byte)'~');
        }

        private static void PutUtf8(char c)
        {
            if (!System.Text.Rune.TryCreate(c, out System.Text.Rune rune))
                return;   // a lone surrogate: no keyboard types one
            System.Span<byte> bytes = stackalloc byte[4];
            int length = rune.EncodeToUtf8(bytes);
            for (int i = 0; i < length; i++)
                Put(bytes[i]);
        }

        private static void Put(byte b)
        {
            s_pending |= (ulong)b << (8 * s_pendingCount);
            s_pendingCount++;
        }
    }
}
