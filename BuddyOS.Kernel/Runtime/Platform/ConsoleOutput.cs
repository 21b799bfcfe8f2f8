// What the console shows of the bytes programs write: UTF-8 decoded, ASCII drawn as it is, every other
// character as '?' (the VGA text screen's code page has few of them).
namespace BuddyOS.Kernel.Runtime.Platform
{
    internal static unsafe class ConsoleOutput
    {
        public static int Rows => 25;
        public static int Columns => 80;

        private static int s_continuationBytes;   // of a multi-byte character still to skip

        public static void Write(byte* buffer, int count)
        {
            for (int i = 0; i < count; i++)
            {
                byte b = buffer[i];
                if (s_continuationBytes > 0 && (b & 0xC0) == 0x80)
                {
                    s_continuationBytes--;
                    continue;
                }
                s_continuationBytes = 0;
                if (b < 0x80)
                    ConsoleDevice.Write((char)b);
                else
                {
                    s_continuationBytes = b >= 0xF0 ? 3 : b >= 0xE0 ? 2 : b >= 0xC0 ? 1 : 0;
                    ConsoleDevice.Write('?');
                }
            }
        }
    }
}
