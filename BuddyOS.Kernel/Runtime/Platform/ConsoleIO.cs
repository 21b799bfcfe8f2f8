// Standard output and standard error (file descriptors 1 and 2) are the kernel console: the screen and COM1.
// CoreLib writes UTF-8; the console shows ASCII as it is and every other character as '?'.
using System.Runtime;

namespace BuddyOS.Kernel.Runtime.Platform
{
    internal static unsafe class ConsoleIO
    {
        private const int EBADF = 9;

        [RuntimeExport("SystemNative_Write")]
        private static int Write(nint fd, byte* buffer, int count)
        {
            if (fd != 1 && fd != 2)
            {
                Environment.SetErrNoValue(EBADF);
                return -1;
            }
            for (int i = 0; i < count; i++)
            {
                byte b = buffer[i];
                if (b < 0x80)
                    Console.Write((char)b);
                else if ((b & 0xC0) != 0x80)
                    Console.Write('?');   // the lead byte of a multi-byte character; its continuation bytes are skipped
            }
            return count;
        }
    }
}
