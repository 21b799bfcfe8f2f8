// Process-level questions CoreLib asks, with a kernel's answers: no environment variables, no working
// directory beyond "/", one user (root), errno kept in one variable (one thread).
using System.Runtime;

namespace BuddyOS.Kernel.Runtime.Platform
{
    internal static unsafe class Environment
    {
        private static int s_errno;

        [RuntimeExport("SystemNative_GetErrNo")]
        private static int GetErrNo() => s_errno;

        [RuntimeExport("SystemNative_SetErrNo")]
        private static void SetErrNo(int value) => s_errno = value;

        public static void SetErrNoValue(int value) => s_errno = value;

        [RuntimeExport("SystemNative_GetEnv")]
        private static byte* GetEnv(byte* name) => null;

        [RuntimeExport("SystemNative_GetEnviron")]
        private static nint GetEnviron() => 0;

        [RuntimeExport("SystemNative_FreeEnviron")]
        private static void FreeEnviron(nint environ) { }

        [RuntimeExport("SystemNative_GetEUid")]
        private static uint GetEUid() => 0;

        [RuntimeExport("SystemNative_GetCwd")]
        private static byte* GetCwd(byte* buffer, int size)
        {
            if (size < 2)
                return null;
            buffer[0] = (byte)'/';
            buffer[1] = 0;
            return buffer;
        }
    }
}
