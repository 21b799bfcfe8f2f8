// System.GC's answers, from the kernel's collector (Collector/) and heap, under the names CoreLib calls.
//   One generation: MaxGeneration is 0 and every collection is a full, blocking, non-moving mark-sweep.
//   GetTotalMemory: the bytes the kernel heap holds for live blocks (objects and raw blocks).
//   GetGCMemoryInfo: heap size, held and free bytes, fragmentation, the last collection's index and pause.
//   No-GC regions: supported. TryStartNoGCRegion(n) collects first, then succeeds when the heap has n free
//     bytes; inside the region neither gc.stress nor an allocation collects; the region ends when more than n
//     bytes were allocated (EndNoGCRegion then throws, as .NET does) or when GC.Collect is called.
//   Finalizers run from a queue after a collection, at the kernel's safe points (Collector/Finalization.cs);
//     there is no finalizer thread.
//   Write barriers: the collector neither moves objects nor has generations, so a reference store needs no
//     card marking: the barriers (Boot/runtime.asm, and the bulk and interlocked ones here) only store.
using System.Runtime;
using System.Threading;
using BuddyOS.Kernel.GarbageCollection;

namespace BuddyOS.Kernel.Runtime
{
    internal static unsafe class GcInterface
    {
        // StartNoGCRegionStatus and EndNoGCRegionStatus, as CoreLib reads them.
        private const int StartSucceeded = 0, StartNotEnoughMemory = 1, StartAmountTooLarge = 2, StartAlreadyInProgress = 3;
        private const int EndSucceeded = 0, EndNotInProgress = 1, EndGCInduced = 2, EndAllocationExceeded = 3;

        private static bool s_noGcRegion;
        private static int s_noGcRegionEnd;        // why the region ended early (EndSucceeded: it did not)
        private static ulong s_noGcBudget;
        private static ulong s_noGcAllocated;

        // Collections are held back (gc.stress, and a failed allocation still collects only if the region ended).
        public static bool InNoGcRegion => s_noGcRegion && s_noGcRegionEnd == EndSucceeded;

        // KernelHeap's object path: the region ends once it allocated more than it asked for.
        public static void NoteAllocation(nuint bytes)
        {
            if (!s_noGcRegion || s_noGcRegionEnd != EndSucceeded)
                return;
            s_noGcAllocated += bytes;
            if (s_noGcAllocated > s_noGcBudget)
                s_noGcRegionEnd = EndAllocationExceeded;
        }

        [RuntimeExport("RhpCollect")]
        private static void Collect(int generation, int mode, int lowMemory)
        {
            if (InNoGcRegion)
                s_noGcRegionEnd = EndGCInduced;
            Collector.Collect();
        }

        [RuntimeExport("RhpGetGcTotalMemory")]
        private static long TotalMemory() => (long)KernelHeap.Statistics.HeldBytes;

        [RuntimeExport("RhGetGcCollectionCount")]
        private static int CollectionCount(int generation, byte getSpecialCount) =>
            generation == 0 && getSpecialCount == 0 ? (int)Collector.Collections : 0;

        [RuntimeExport("RhGetGeneration")]
        private static int Generation(object obj) => 0;

        // The bytes of the GC descriptor in front of a MethodTable (the type loader copies it for types it builds):
        // the series count, then 16 bytes a series, or for arrays of structs the start offset and 8 bytes an item.
        [RuntimeExport("RhGetGCDescSize")]
        private static int GCDescSize(MethodTable* type)
        {
            if (!type->HasPointers)
                return 0;
            long series = *((long*)type - 1);
            return series > 0 ? 8 + (int)series * 16 : 16 + (int)(-series) * 8;
        }

        [RuntimeExport("RhGetMaxGcGeneration")]
        private static int MaxGeneration() => 0;

        // GC.GetGCMemoryInfo: `info` is the raw data of CoreLib's GCMemoryInfoData (fields in declaration order).
        private struct MemoryInfoData
        {
            public long HighMemoryLoadThresholdBytes;
            public long TotalAvailableMemoryBytes;
            public long MemoryLoadBytes;
            public long HeapSizeBytes;
            public long FragmentedBytes;
            public long TotalCommittedBytes;
            public long PromotedBytes;
            public long PinnedObjectsCount;
            public long FinalizationPendingCount;
            public long Index;
            public int Generation;
            public int PauseTimePercentage;
            public byte Compacted;
            public byte Concurrent;
            // five GCGenerationInfo and two TimeSpan pause durations follow
        }

        [RuntimeExport("RhGetMemoryInfo")]
        private static void GetMemoryInfo(MemoryInfoData* info, int kind)
        {
            var stats = KernelHeap.Statistics;
            long size = (long)(KernelHeap.Top - KernelHeap.Bottom);
            info->TotalAvailableMemoryBytes = size;
            info->HighMemoryLoadThresholdBytes = size * 9 / 10;
            info->MemoryLoadBytes = (long)stats.HeldBytes;
            info->HeapSizeBytes = (long)stats.HeldBytes;
            info->FragmentedBytes = (long)(stats.FreeBytes - stats.LargestFreeBlock);   // free, but not in the largest block
            info->TotalCommittedBytes = size;
            info->PromotedBytes = 0;
            info->FinalizationPendingCount = GarbageCollection.Finalization.Pending;
            info->Index = (long)Collector.Collections;
            info->Generation = 0;
            info->Compacted = 0;
            info->Concurrent = 0;
        }

        [RuntimeExport("RhpStartNoGCRegion")]
        private static int StartNoGCRegion(long totalSize, int hasLohSize, long lohSize, int disallowFullBlockingGC)
        {
            if (s_noGcRegion)
                return StartAlreadyInProgress;
            long size = (long)(KernelHeap.Top - KernelHeap.Bottom);
            if (totalSize > size)
                return StartAmountTooLarge;
            if (disallowFullBlockingGC == 0)
                Collector.Collect();
            if ((long)KernelHeap.Statistics.FreeBytes < totalSize)
                return StartNotEnoughMemory;
            s_noGcRegion = true;
            s_noGcRegionEnd = EndSucceeded;
            s_noGcBudget = (ulong)totalSize;
            s_noGcAllocated = 0;
            return StartSucceeded;
        }

        [RuntimeExport("RhpEndNoGCRegion")]
        private static int EndNoGCRegion()
        {
            if (!s_noGcRegion)
                return EndNotInProgress;
            s_noGcRegion = false;
            return s_noGcRegionEnd;
        }

        // CoreLib's finalizer thread would wait here: it is never started (Collector/Finalization.cs runs them).
        [RuntimeExport("RhpGetNextFinalizableObject")]
        private static object NextFinalizableObject() => null;

        [RuntimeExport("RhpWaitForFinalizerRequest")]
        private static uint WaitForFinalizerRequest()
        {
            Panic.Fail("runtime: CoreLib's finalizer thread started (BuddyOS has no threads: Collector/Finalization.cs runs finalizers)", 0);
            return 0;
        }

        [RuntimeExport("RhpSignalFinalizationComplete")]
        private static void SignalFinalizationComplete(uint count, int observedFullGcCount) { }

        [RuntimeExport("RhpSetThreadDoNotTriggerGC")]
        private static void SetThreadDoNotTriggerGC() { }

        // Reference stores that go through the runtime rather than the asm barriers: plain stores and moves.
        [RuntimeExport("RhBulkMoveWithWriteBarrier")]
        private static void BulkMoveWithWriteBarrier(byte* destination, byte* source, nuint bytes) => Libc.Move(destination, source, bytes);

        [RuntimeExport("RhpCheckedLockCmpXchg")]
        private static nint CheckedLockCmpXchg(nint* location, nint value, nint comparand) =>
            Interlocked.CompareExchange(ref *location, value, comparand);

        [RuntimeExport("RhpCheckedXchg")]
        private static nint CheckedXchg(nint* location, nint value) => Interlocked.Exchange(ref *location, value);
    }
}
