// The C library functions the runtime layer calls itself. They, and the ones the generated code and CoreLib
// call (memmove, memset, memcpy, and libm: sin, cos, tan, pow, exp, log, atan2, floor, ceil, fmod, modf, ...),
// come from musl's static libc.a (Debian's musl-dev, MIT licence shipped in licenses/), linked after the
// kernel so that ld takes only the objects these symbols need. musl's objects are built with the stack
// protector: Boot/boot.asm points FS at a small thread block whose canary word they read.
using System.Runtime;
using System.Runtime.CompilerServices;

namespace BuddyOS.Kernel.Runtime
{
    internal static unsafe class Libc
    {
        [RuntimeImport("memmove")]
        [MethodImpl(MethodImplOptions.InternalCall)]
        private static extern void* memmove(void* destination, void* source, nuint bytes);

        [RuntimeImport("memset")]
        [MethodImpl(MethodImplOptions.InternalCall)]
        private static extern void* memset(void* destination, int value, nuint bytes);

        public static void Move(void* destination, void* source, nuint bytes) => memmove(destination, source, bytes);

        public static void ZeroMemory(void* destination, nuint bytes) => memset(destination, 0, bytes);

        public static void Fill(void* destination, byte value, nuint bytes) => memset(destination, value, bytes);
    }
}
