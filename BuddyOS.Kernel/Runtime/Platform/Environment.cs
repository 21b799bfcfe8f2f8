// Process-level questions CoreLib asks, with a kernel's answers: no environment variables, no working
// directory beyond "/", one user (root) without a passwd entry.
using System.Runtime;

namespace BuddyOS.Kernel.Runtime.Platform
{
    internal static unsafe class Environment
    {
        [RuntimeExport("SystemNative_GetEnv")]
        private static byte* GetEnv(byte* name) => null;

        [RuntimeExport("SystemNative_GetEnviron")]
        private static nint GetEnviron() => 0;

        [RuntimeExport("SystemNative_FreeEnviron")]
        private static void FreeEnviron(nint environ) { }

        [RuntimeExport("SystemNative_GetEUid")]
        private static uint GetEUid() => 0;

        [RuntimeExport("SystemNative_GetPwUidR")]
        private static int GetPwUidR(uint uid, void* passwd, byte* buffer, int size) => Errors.ENOENT;

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
