// Finalizers, run from a queue after a collection, never inside one. An object whose type has a finalizer is
// registered when allocated (RhpNewFinalizable). A collection that finds a registered object unreachable keeps
// it, and everything it references, alive as "ready" instead of freeing it; the kernel then runs ready finalizers
// at its safe points: GC.WaitForPendingFinalizers, between the kernel loop's Run calls (Framework/Kernel.cs),
// between self-tests. Never inside an allocation (the code a collection interrupts may hold locks a finalizer
// wants) and never in an interrupt handler. A finalized object is an ordinary one again: the next collection
// frees it unless the finalizer made it reachable (resurrection) or re-registered it (GC.ReRegisterForFinalize).
// GC.SuppressFinalize sets a bit in the low half of the object's header word, which CoreLib leaves alone (its
// hash codes and thin locks use the high half). CoreLib's own finalizers matter: WeakReference and
// ConditionalWeakTable free their GC handles in them.
// An exception a finalizer throws is unhandled, as in .NET (where it ends the process): the panic.
// WeakReference<T> is finalized eagerly, as .NET's GC does: its finalizer is empty by design, and the collector
// frees its GC handle itself when it finds one unreachable (its only field: the handle, tag bits in the low two).
#if !KERNEL_HEAP_BUMP
using System.Runtime;
using BuddyOS.Kernel.Runtime;

namespace BuddyOS.Kernel.GarbageCollection
{
    internal static unsafe class Finalization
    {
        private const uint SuppressedBit = 1;

        // Object references in raw blocks of the kernel heap. `registered` is no root (the collector reads it after
        // marking); `ready` is one. `ready` always has room for every registered object, so a collection never
        // allocates to move one there.
        private static nint* s_registered;
        private static nint* s_ready;
        private static int s_registeredCount, s_readyCount, s_capacity;
        private static bool s_running;
        private static nint s_weakReferenceOfTFinalizer;   // the shared code of WeakReference<T>.Finalize

        public static ulong FinalizersRun;
        public static int Registered => s_registeredCount;
        public static int Pending => s_readyCount;

        private static uint* HeaderLow(object obj) => (uint*)((byte*)Allocation.AddressOf(obj) - ObjectLayout.HeaderBytes);

        public static void Register(object obj)
        {
            if (s_weakReferenceOfTFinalizer == 0)
                s_weakReferenceOfTFinalizer = MethodTable.Of(typeof(System.WeakReference<object>))->FinalizerCode;
            if (s_registeredCount + s_readyCount >= s_capacity)
                Grow();
            s_registered[s_registeredCount++] = (nint)Allocation.AddressOf(obj);
        }

        // Both arrays to twice the capacity. The object being registered is in the caller's frame, a conservative
        // root, if this collects.
        private static void Grow()
        {
            int capacity = s_capacity == 0 ? 256 : 2 * s_capacity;
            nint* registered = (nint*)KernelHeap.AllocateRaw((nuint)(capacity * sizeof(nint)), 16);
            nint* ready = (nint*)KernelHeap.AllocateRaw((nuint)(capacity * sizeof(nint)), 16);
            for (int i = 0; i < s_registeredCount; i++)
                registered[i] = s_registered[i];
            for (int i = 0; i < s_readyCount; i++)
                ready[i] = s_ready[i];
            if (s_registered != null)
            {
                KernelHeap.TryFreeRaw((byte*)s_registered);
                KernelHeap.TryFreeRaw((byte*)s_ready);
            }
            s_registered = registered;
            s_ready = ready;
            s_capacity = capacity;
        }

        [RuntimeExport("RhSuppressFinalize")]
        private static void Suppress(object obj) => *HeaderLow(obj) |= SuppressedBit;

        // GC.ReRegisterForFinalize: finalize again, even after the finalizer ran (it is registered anew then).
        [RuntimeExport("RhReRegisterForFinalize")]
        private static byte ReRegister(object obj)
        {
            *HeaderLow(obj) &= ~SuppressedBit;
            nint address = (nint)Allocation.AddressOf(obj);
            for (int i = 0; i < s_registeredCount; i++)
                if (s_registered[i] == address)
                    return 1;
            for (int i = 0; i < s_readyCount; i++)
                if (s_ready[i] == address)
                    return 1;
            Register(obj);
            return 1;
        }

        [RuntimeExport("RhWaitForPendingFinalizers")]
        private static void WaitForPendingFinalizers(int allowReentrantWait) => RunPending();

        // Roots: the objects waiting for their finalizer.
        public static void MarkReady()
        {
            for (int i = 0; i < s_readyCount; i++)
                Collector.MarkReference((nuint)s_ready[i]);
            Collector.Drain();
        }

        // After marking: registered objects nothing reaches move to `ready` (unless suppressed: then they are
        // simply freed), and are marked with what they reference. Returns how many became ready.
        public static int ScanUnreachable()
        {
            int kept = 0, found = 0;
            for (int i = 0; i < s_registeredCount; i++)
            {
                nint obj = s_registered[i];
                if (Collector.IsReachable((nuint)obj))
                    s_registered[kept++] = obj;
                else if ((*(MethodTable**)obj)->FinalizerCode == s_weakReferenceOfTFinalizer)
                    GcHandles.FreeDuringCollection(*(nint*)(obj + sizeof(nint)) & ~(nint)3);
                else if ((*(uint*)((byte*)obj - ObjectLayout.HeaderBytes) & SuppressedBit) == 0)
                {
                    s_ready[s_readyCount++] = obj;
                    found++;
                }
            }
            s_registeredCount = kept;
            for (int i = s_readyCount - found; i < s_readyCount; i++)
                Collector.MarkAndTrace((nuint)s_ready[i]);
            return found;
        }

        // A safe point: runs every ready finalizer, oldest first (and those that become ready meanwhile).
        public static void RunPending()
        {
            if (s_running || Interrupts.Irq.InHandler)
                return;
            s_running = true;
            while (s_readyCount > 0)
            {
                object obj = Allocation.AsObject((void*)s_ready[0]);
                for (int i = 1; i < s_readyCount; i++)
                    s_ready[i - 1] = s_ready[i];
                s_readyCount--;
                nint code = MethodTable.Of(obj)->FinalizerCode;
                if (code != 0 && (*HeaderLow(obj) & SuppressedBit) == 0)
                {
                    ((delegate*<object, void>)code)(obj);
                    FinalizersRun++;
                }
            }
            s_running = false;
        }
    }
}
#else
namespace BuddyOS.Kernel.GarbageCollection
{
    // The bump heap frees nothing, so nothing is ever found unreachable: finalizers never run in that build.
    internal static class Finalization
    {
        public static ulong FinalizersRun => 0;
        public static int Registered => 0;
        public static int Pending => 0;
        public static void Register(object obj) { }
        public static void RunPending() { }

        [System.Runtime.RuntimeExport("RhSuppressFinalize")]
        private static void Suppress(object obj) { }

        [System.Runtime.RuntimeExport("RhReRegisterForFinalize")]
        private static byte ReRegister(object obj) => 1;

        [System.Runtime.RuntimeExport("RhWaitForPendingFinalizers")]
        private static void WaitForPendingFinalizers(int allowReentrantWait) { }
    }
}
#endif
