// errno. The kernel's "platform" error numbers are libSystem.Native's PAL numbers themselves (Interop.Error:
// ENOENT is 0x1002D and so on), so CoreLib's conversions both ways are the identity. One thread: one errno.
using System.Runtime;

namespace BuddyOS.Kernel.Runtime.Platform
{
    internal static unsafe class Errors
    {
        public const int EBADF = 0x10008, EINVAL = 0x1001C, EMFILE = 0x10021, ENOENT = 0x1002D, ENOSYS = 0x10037,
            ENOTSUP = 0x1003D, ENOTTY = 0x1003E, EROFS = 0x10048, ESPIPE = 0x10049;

        private static int s_errno;

        public static void Set(int errno) => s_errno = errno;

        [RuntimeExport("SystemNative_GetErrNo")]
        private static int GetErrNo() => s_errno;

        [RuntimeExport("SystemNative_SetErrNo")]
        private static void SetErrNo(int value) => s_errno = value;

        [RuntimeExport("SystemNative_ConvertErrorPlatformToPal")]
        private static int PlatformToPal(int platformErrno) => platformErrno;

        [RuntimeExport("SystemNative_ConvertErrorPalToPlatform")]
        private static int PalToPlatform(int palError) => palError;

        // strerror_r: the message for the errors the kernel reports; CoreLib puts it into IOException messages.
        [RuntimeExport("SystemNative_StrErrorR")]
        private static byte* StrErrorR(int errno, byte* buffer, int size)
        {
            string message = errno switch
            {
                0 => "Success",
                EBADF => "Bad file descriptor",
                EINVAL => "Invalid argument",
                EMFILE => "Too many open files",
                ENOENT => "No such file or directory (BuddyOS has no file system)",
                ENOSYS => "Function not implemented in the BuddyOS kernel",
                ENOTSUP => "Operation not supported in the BuddyOS kernel",
                ENOTTY => "Inappropriate ioctl for device",
                EROFS => "Read-only file system (BuddyOS has no file system)",
                ESPIPE => "Illegal seek (the console is not a file)",
                _ => "Unknown error",
            };
            int n = 0;
            for (; n < message.Length && n < size - 1; n++)
                buffer[n] = (byte)message[n];
            if (size > 0)
                buffer[n] = 0;
            return buffer;
        }
    }
}
