// A non-moving, stop-the-world mark-sweep collector over the kernel's buddy heap.
//   When it runs: when an object or raw allocation fails (collect, retry; only then the out-of-memory panic),
//     at every Nth object allocation under the kernel option gc.stress=N, and on demand (GC.Collect). There
//     is no growth threshold: a collection costs a mark of the live set plus a pass over the object bitmap,
//     so letting garbage accumulate until the heap is full does the fewest collections.
//   Mark: from Roots (statics, strong GC handles and frozen objects precisely, stacks conservatively) through
//     an explicit MarkStack; inside the heap precisely, by each type's GC descriptor (ObjectLayout); then the
//     dependent handles (a secondary is reachable when its primary is), to a fixed point. Mark bits live
//     outside the objects (ObjectMap), so no object layout changes.
//   Weak references and finalization: once marking is done, short weak handles to unmarked objects are
//     cleared; registered finalizable objects still unmarked are kept (with what they reference) for their
//     finalizers (Finalization.cs, which runs them later at safe points); then long weak and dependent handles
//     whose target is still unmarked are cleared (Runtime/GcHandles.cs), before the sweep frees the targets.
//   Sweep: every object block without a mark goes back to the buddy heap, merging with its buddies as a
//     Free does. Raw blocks (no object bit) are never swept.
// One CPU and no interrupts that allocate: nothing else runs while it collects.
#if !KERNEL_HEAP_BUMP
using System.Runtime;
using System.Runtime.CompilerServices;
using BuddyOS.Heap;
using BuddyOS.Kernel.Runtime;

namespace BuddyOS.Kernel.GarbageCollection
{
    internal static unsafe class Collector
    {
        public const bool Supported = true;
        public const string Unsupported = null;

        [RuntimeImport("BuddyOS_SpillRegistersAndCollect")]
        [MethodImpl(MethodImplOptions.InternalCall)]
        private static extern nuint SpillRegistersAndCollect(byte* stackLimit);

        [RuntimeImport("BuddyOS_CollectorMetadata")]
        [MethodImpl(MethodImplOptions.InternalCall)]
        private static extern byte* MetadataStart();

        [RuntimeImport("BuddyOS_CollectorMetadataEnd")]
        [MethodImpl(MethodImplOptions.InternalCall)]
        private static extern byte* MetadataEnd();

        private const int MinMarkStackEntries = 256;

        private static bool s_ready;
        private static bool s_collecting;
        private static nuint s_metadataBytes;
        private static nuint* s_rangeStorage;
        private static nuint* s_conservativeLog;   // (slot address, object) pairs of the last collection
        public const int ConservativeLogEntries = 16;
        private static int s_frozenObjects;
        private static int s_frozenWithReferences;
        private static ulong s_stressEvery;
        private static ulong s_untilStress;
        private static ulong s_conservativeMarks;

        // Over the whole boot.
        public static ulong Collections;
        public static ulong BytesReclaimed;
        public static ulong ObjectsReclaimed;
        public static ulong LongestPause;        // TSC cycles (emulated under TCG)
        public static ulong OverflowRescans;     // heap rescans after the mark stack filled
        // Of the last collection.
        public static ulong LastBytesReclaimed;
        public static ulong LastObjectsReclaimed;
        public static ulong LastPause;
        public static ulong LastConservativeMarks;   // objects first reached from a stack or range word
        public static ulong LastStackScanCycles;     // the conservative part of the last mark
        public static ulong LastStackWords;          // words it read
        public static ulong LastSweepCycles;

        public static bool IsReady => s_ready;
        public static nuint MetadataBytes => s_metadataBytes;
        public static int MarkStackCapacity => MarkStack.Capacity;
        public static ulong MarkStackOverflows => MarkStack.Overflows;
        public static int FrozenObjects => s_frozenObjects;
        public static int FrozenObjectsWithReferences => s_frozenWithReferences;
        public static ulong WeakHandlesCleared;      // over the whole boot
        public static int LastDependentPasses;
        public static ulong StressEvery => s_stressEvery;

        // Right after the heap exists: the object map must be there for the first object (a static base).
        public static void Initialize()
        {
            byte* storage = MetadataStart();
            nuint bytes = (nuint)(MetadataEnd() - storage);
            nuint heapSize = (nuint)(KernelHeap.Top - KernelHeap.Bottom);
            nuint bitmap = ObjectMap.BitmapBytes(heapSize);
            nuint ranges = (nuint)(2 * Roots.MaxRanges * sizeof(nuint));
            nuint needed = 2 * bitmap + ranges + MinMarkStackEntries * (nuint)sizeof(nint);
            if (KernelHeap.Heap.MinBlockSize > ObjectMap.Granule)
                Panic.Fail("collector: heap blocks larger than the object-map granule; min block", KernelHeap.Heap.MinBlockSize);
            if (bytes < needed)
                Panic.Fail("collector: metadata in Boot/collector.asm too small; bytes needed", needed);
            ObjectMap.Initialize(KernelHeap.Bottom, heapSize, storage);
            s_rangeStorage = (nuint*)(storage + 2 * bitmap);
            MarkStack.Initialize(storage + 2 * bitmap + ranges, bytes - 2 * bitmap - ranges);
            s_metadataBytes = bytes;
        }

        // Once the static bases exist (StartupCodeHelpers.InitializeModules): from here on, garbage is collected.
        public static void Start()
        {
            Roots.Initialize(s_rangeStorage);
            FrozenSegments.Walk(trace: false, out s_frozenObjects, out s_frozenWithReferences);
            s_conservativeLog = (nuint*)KernelHeap.AllocateRaw((nuint)(2 * ConservativeLogEntries * sizeof(nuint)), 8);
            s_ready = true;
        }

        // gc.stress=N: a collection before every Nth object allocation (0: off).
        public static void SetStress(ulong every)
        {
            s_stressEvery = every;
            s_untilStress = every;
        }

        // The allocation path's hooks (KernelHeap): stress trigger, object bit set and cleared.
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void BeforeObjectAllocation()
        {
            if (s_stressEvery != 0 && --s_untilStress == 0)
            {
                s_untilStress = s_stressEvery;
                Collect();
            }
        }

        public static void NoteObject(byte* block) => ObjectMap.SetObject(block);

        public static void ForgetBlock(byte* block) => ObjectMap.Forget(block);

        // Whether obj (an object reference: its block + 8) is a live heap object.
        public static bool IsObject(void* obj) => s_ready && ObjectMap.IsObject(ObjectLayout.BlockOf((byte*)obj));


        // A full collection; returns the bytes it gave back to the heap.
        public static nuint Collect() => SpillRegistersAndCollect(Roots.StackBottom);

        // A full collection with no managed frame between the caller and the register spill (a direct call of
        // Boot/collector.asm): GC.Collect reaches the collector through CoreLib's frames, whose padding slots can
        // hold stale words that keep garbage alive for one more collection. The self-tests that expect every
        // byte back use this.
        [RuntimeImport("BuddyOS_Collect")]
        [MethodImpl(MethodImplOptions.InternalCall)]
        public static extern void CollectHere();

        // Boot/collector.asm calls this with the callee-saved registers pushed at stackPointer.
        [RuntimeExport("BuddyOS_CollectFromStack")]
        private static nuint CollectFromStack(byte* stackPointer)
        {
            if (!s_ready)
                return 0;
            if (s_collecting)
                Panic.Fail("collector: collection re-entered (an allocation inside the collector?)", 0);
            s_collecting = true;
            ulong start = Machine.Rdtsc();
            nuint heldBefore = KernelHeap.Statistics.HeldBytes;
            s_conservativeMarks = 0;

            Roots.MarkStatics();
            Roots.MarkHandlesAndFrozen();
            ulong scanStart = Machine.Rdtsc();
            LastStackWords = Roots.MarkStacks(stackPointer);
            ulong scanEnd = Machine.Rdtsc();
            Drain();
            RecoverFromOverflow();
            LastDependentPasses = GcHandles.PropagateDependents();
            WeakHandlesCleared += (ulong)GcHandles.ClearShortWeak();
            if (Finalization.ScanUnreachable() > 0)
                LastDependentPasses += GcHandles.PropagateDependents();   // what finalization kept may be a primary
            WeakHandlesCleared += (ulong)GcHandles.ClearLongWeakAndDependent();
            ulong sweepStart = Machine.Rdtsc();
            ulong objects = Sweep();
            LastStackScanCycles = scanEnd - scanStart;
            LastSweepCycles = Machine.Rdtsc() - sweepStart;

            nuint reclaimed = heldBefore - KernelHeap.Statistics.HeldBytes;
            ulong pause = Machine.Rdtsc() - start;
            Collections++;
            BytesReclaimed += reclaimed;
            ObjectsReclaimed += objects;
            if (pause > LongestPause)
                LongestPause = pause;
            LastBytesReclaimed = reclaimed;
            LastObjectsReclaimed = objects;
            LastPause = pause;
            LastConservativeMarks = s_conservativeMarks;
            s_collecting = false;
            return reclaimed;
        }

        // A reference from a traced slot: null, a frozen or static object outside the heap, or a heap object
        // start. Anything else is not an object start and is ignored.
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void MarkReference(nuint p)
        {
            if (ObjectMap.TryMark(p - ObjectLayout.HeaderBytes))
                MarkStack.Push((byte*)p);
        }

        // A word of a stack or range: any integer that lies inside an allocated object keeps that object alive.
        public static void MarkConservative(nuint* slot)
        {
            nuint p = *slot;
            if (!KernelHeap.Contains((void*)p))
                return;
            if (!KernelHeap.Heap.TryFindAllocatedBlock((byte*)p, out byte* start))
                return;
            if (ObjectMap.TryMark((nuint)start))
            {
                byte* obj = ObjectLayout.ObjectOf(start);
                if (s_conservativeMarks < ConservativeLogEntries)
                {
                    s_conservativeLog[2 * s_conservativeMarks] = (nuint)slot;
                    s_conservativeLog[2 * s_conservativeMarks + 1] = (nuint)obj;
                }
                s_conservativeMarks++;
                MarkStack.Push(obj);
            }
        }

        // Whether the object at p survives this collection: anything outside the heap (frozen, static) does; a heap
        // object does when it is marked. For the handle table, after marking.
        public static bool IsReachable(nuint p) => !KernelHeap.Contains((void*)p) || ObjectMap.IsMarked(ObjectLayout.BlockOf((byte*)p));

        // Marks p and everything it reaches (a dependent handle's secondary); true when p was not marked before.
        public static bool MarkAndTrace(nuint p)
        {
            if (!ObjectMap.TryMark(p - ObjectLayout.HeaderBytes))
                return false;
            MarkStack.Push((byte*)p);
            Drain();
            RecoverFromOverflow();
            return true;
        }

        // The i-th object the last collection reached first from a stack or range word, and that word's address.
        public static bool TryGetConservativeRoot(int i, out nuint slot, out nuint obj)
        {
            slot = obj = 0;
            if ((ulong)i >= LastConservativeMarks || i >= ConservativeLogEntries)
                return false;
            slot = s_conservativeLog[2 * i];
            obj = s_conservativeLog[2 * i + 1];
            return true;
        }

        public static void Drain()
        {
            while (MarkStack.TryPop(out byte* obj))
                ObjectLayout.ScanReferences(obj);
        }

        // The mark stack filled: some marked objects were not scanned. Scan every marked object again (their
        // unmarked children get marked and pushed) until a whole pass completes without overflowing.
        private static void RecoverFromOverflow()
        {
            while (MarkStack.Overflowed)
            {
                MarkStack.Overflowed = false;
                OverflowRescans++;
                foreach (HeapBlock block in KernelHeap.Heap.AllocatedBlocks())
                {
                    if (ObjectMap.IsMarked(block.Start))
                    {
                        ObjectLayout.ScanReferences(ObjectLayout.ObjectOf(block.Start));
                        Drain();
                    }
                }
            }
        }

        // Frees every object without a mark and clears the marks. O(heap / 2 KiB) words plus one Free per
        // dead object.
        private static ulong Sweep()
        {
            ulong freed = 0;
            nuint words = ObjectMap.Words;
            for (nuint w = 0; w < words; w++)
            {
                ulong dead = ObjectMap.TakeDead(w);
                while (dead != 0)
                {
                    int bit = Bits.TrailingZeros(dead);
                    dead &= dead - 1;
                    byte* block = ObjectMap.BlockOf(w, bit);
                    HeapStatus status = KernelHeap.Heap.Free(block);
                    if (status != HeapStatus.Ok)
                        Panic.Fail("collector: the heap refused to free a dead object (metadata corrupted?) at", (ulong)block);
                    freed++;
                }
            }
            return freed;
        }
    }
}
#else
namespace BuddyOS.Kernel.GarbageCollection
{
    // The bump heap frees nothing but everything at once, so there is nothing to sweep into: this build has
    // no collector. Allocation that fails is the out-of-memory panic straight away.
    internal static unsafe class Collector
    {
        public const bool Supported = false;
        public const string Unsupported = "the bump heap cannot free single blocks: nothing to sweep into";

        public static ulong Collections => 0;
        public static ulong BytesReclaimed => 0;
        public static ulong ObjectsReclaimed => 0;
        public static ulong LongestPause => 0;
        public static ulong LastBytesReclaimed => 0;
        public static ulong LastObjectsReclaimed => 0;
        public static bool IsReady => false;

        public static void Initialize() { }
        public static void Start() { }
        public static void SetStress(ulong every) { }
        public static void BeforeObjectAllocation() { }
        public static void NoteObject(byte* block) { }
        public static void ForgetBlock(byte* block) { }
        public static nuint Collect() => 0;
        public static void CollectHere() { }
        public static bool IsReachable(nuint p) => true;
        public static bool MarkAndTrace(nuint p) => false;
        public static void MarkReference(nuint p) { }

        // GC.Collect's asm entry lands here: nothing to do.
        [System.Runtime.RuntimeExport("BuddyOS_CollectFromStack")]
        private static nuint CollectFromStack(byte* stackPointer) => 0;
    }
}
#endif
