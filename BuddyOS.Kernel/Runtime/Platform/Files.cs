// The file system CoreLib asks for, of which BuddyOS has none: opening or finding a path fails with ENOENT
// (File.ReadAllText says "Could not find file"), and the console descriptors are character devices that
// cannot seek. What needs a file (terminfo, for example) falls back to doing without.
using System.Runtime;

namespace BuddyOS.Kernel.Runtime.Platform
{
    internal static unsafe class Files
    {
        private const int CharacterDevice = 0x2000;   // S_IFCHR

        [RuntimeExport("SystemNative_Open")]
        private static nint Open(byte* path, int flags, int mode) => Fail(Errors.ENOENT);

        [RuntimeExport("SystemNative_Stat")]
        private static int Stat(byte* path, void* status) => (int)Fail(Errors.ENOENT);

        [RuntimeExport("SystemNative_LStat")]
        private static int LStat(byte* path, void* status) => (int)Fail(Errors.ENOENT);

        [RuntimeExport("SystemNative_Unlink")]
        private static int Unlink(byte* path) => (int)Fail(Errors.ENOENT);

        // FileStatus: { int Flags; int Mode; uint Uid; uint Gid; long Size; ... }; the rest stays zero.
        [RuntimeExport("SystemNative_FStat")]
        private static int FStat(nint fd, int* status)
        {
            if (fd < 0 || fd > 63)
                return (int)Fail(Errors.EBADF);
            for (int i = 0; i < 32; i++)
                status[i] = 0;
            status[1] = CharacterDevice | 0x1B6;   // crw-rw-rw-
            return 0;
        }

        [RuntimeExport("SystemNative_LSeek")]
        private static long LSeek(nint fd, long offset, int whence) => Fail(Errors.ESPIPE);

        [RuntimeExport("SystemNative_PRead")]
        private static int PRead(nint fd, byte* buffer, int count, long offset) => (int)Fail(Errors.ESPIPE);

        [RuntimeExport("SystemNative_PWrite")]
        private static int PWrite(nint fd, byte* buffer, int count, long offset) => (int)Fail(Errors.ESPIPE);

        [RuntimeExport("SystemNative_FSync")]
        private static int FSync(nint fd) => 0;

        [RuntimeExport("SystemNative_FTruncate")]
        private static int FTruncate(nint fd, long length) => (int)Fail(Errors.EINVAL);

        [RuntimeExport("SystemNative_FAllocate")]
        private static int FAllocate(nint fd, long offset, long length) => (int)Fail(Errors.EINVAL);

        [RuntimeExport("SystemNative_PosixFAdvise")]
        private static int PosixFAdvise(nint fd, long offset, long length, int advice) => 0;

        // The console's descriptors are on no file system (0: unknown).
        [RuntimeExport("SystemNative_GetFileSystemType")]
        private static uint GetFileSystemType(nint fd) => 0;

        [RuntimeExport("SystemNative_FLock")]
        private static int FLock(nint fd, int operation) => 0;

        private static nint Fail(int errno)
        {
            Errors.Set(errno);
            return -1;
        }
    }
}
