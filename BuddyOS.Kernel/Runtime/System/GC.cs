// System.GC with .NET's meanings, over the kernel's collector (BuddyOS.Kernel/Collector). There is one
// generation (MaxGeneration = 0): every collection is a full one. Finalizers never run.
using BuddyOS.Kernel;
using BuddyOS.Kernel.GarbageCollection;
using Internal.Runtime.CompilerHelpers;

namespace System
{
    public static class GC
    {
        public static int MaxGeneration => 0;

        // A full, blocking collection. A direct call of Boot/collector.asm: no managed frame between the caller
        // and the register spill, so the caller's stale words are all the conservative scan can see.
        [System.Runtime.RuntimeImport("BuddyOS_Collect")]
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.InternalCall)]
        public static extern void Collect();

        public static void Collect(int generation)
        {
            if (generation < 0)
                ThrowHelpers.ThrowArgumentOutOfRangeException();
            Collect();
        }

        // The bytes the kernel heap holds for live blocks (objects and raw blocks, at their block sizes),
        // after a full collection when asked.
        public static long GetTotalMemory(bool forceFullCollection)
        {
            if (forceFullCollection)
                Collect();
            return (long)KernelHeap.Statistics.HeldBytes;
        }

        // Collections so far for generation 0; generations above MaxGeneration never collect, so 0.
        public static int CollectionCount(int generation)
        {
            if (generation < 0)
                ThrowHelpers.ThrowArgumentOutOfRangeException();
            return generation == 0 ? (int)Collector.Collections : 0;
        }

        // Keeps obj reachable up to this call: the call itself uses it.
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
        public static void KeepAlive(object obj) { }

        // Nothing to suppress: finalizers never run in BuddyOS.
        public static void SuppressFinalize(object obj) { }
    }
}
