// Everything the collector starts marking from, owned in one place:
//   - the GC static bases (section 201 of the module: each block holds the object that carries a type's
//     reference-typed statics) and what they reference, traced precisely;
//   - the GC handle table (strong and pinned handles: Runtime/GcHandles.cs), which holds CoreLib's module
//     static spines among others; thread statics, which are a static of Runtime/Threads.cs; the objects
//     waiting for their finalizer (Finalization.cs);
//   - the frozen objects outside the heap (the image's section 206 and CoreLib's frozen-object heap:
//     Runtime/FrozenSegments.cs) that hold references, traced precisely;
//   - the stack the kernel runs on, from the spilled registers up to its top, scanned conservatively;
//   - extra memory ranges registered with AddRange (interrupt stacks, thread stacks, a buffer that holds
//     object addresses as integers), scanned conservatively like the stack.
// A conservative word keeps a block alive when it points at the start of or inside an allocated object.
#if !KERNEL_HEAP_BUMP
using System.Runtime;
using System.Runtime.CompilerServices;
using BuddyOS.Kernel.Runtime;

namespace BuddyOS.Kernel.GarbageCollection
{
    internal static unsafe class Roots
    {
        public const int MaxRanges = 8;

        private static nint* s_staticBlocksStart;   // section 201: int32 relative pointers to 8-byte blocks
        private static nint* s_staticBlocksEnd;
        private static byte* s_stackBottom;
        private static byte* s_stackTop;
        private static nuint* s_ranges;             // MaxRanges pairs (low, high); a zero pair is an empty slot

        [RuntimeImport("BuddyOS_BootStackBottom")]
        [MethodImpl(MethodImplOptions.InternalCall)]
        private static extern byte* BootStackBottom();

        [RuntimeImport("BuddyOS_BootStackTop")]
        [MethodImpl(MethodImplOptions.InternalCall)]
        private static extern byte* BootStackTop();

        [RuntimeImport("BuddyOS_SetCollectorStackLimit")]
        [MethodImpl(MethodImplOptions.InternalCall)]
        private static extern void SetCollectorStackLimit(byte* limit);

        public static byte* StackBottom => s_stackBottom;
        public static byte* StackTop => s_stackTop;

        // After CoreLib's start-up (Runtime/Startup.cs: the static blocks then hold object pointers).
        // rangeStorage: MaxRanges * 2 words that the collector took from its own metadata.
        public static void Initialize(nuint* rangeStorage)
        {
            s_ranges = rangeStorage;
            for (int i = 0; i < 2 * MaxRanges; i++)
                s_ranges[i] = 0;
            s_stackBottom = BootStackBottom();
            s_stackTop = BootStackTop();
            SetCollectorStackLimit(s_stackBottom);   // GC.Collect's scrub stops there
            if (Modules.TryGetSection(Modules.GCStaticRegionSection, out byte* start, out byte* end))
            {
                s_staticBlocksStart = (nint*)start;
                s_staticBlocksEnd = (nint*)end;
            }
        }

        // Registers [low, high) as a conservative root range until RemoveRange; the index, or -1 when full.
        public static int AddRange(void* low, void* high)
        {
            for (int i = 0; i < MaxRanges; i++)
            {
                if (s_ranges[2 * i] == 0 && s_ranges[2 * i + 1] == 0)
                {
                    s_ranges[2 * i] = (nuint)low;
                    s_ranges[2 * i + 1] = (nuint)high;
                    return i;
                }
            }
            return -1;
        }

        public static void RemoveRange(int index)
        {
            if ((uint)index < MaxRanges)
                s_ranges[2 * index] = s_ranges[2 * index + 1] = 0;
        }

        // The precise roots: every GC static base object (in the heap, marked and traced; outside it, traced).
        public static void MarkStatics()
        {
            for (int* entry = (int*)s_staticBlocksStart; entry < (int*)s_staticBlocksEnd; entry++)
            {
                nint* block = (nint*)((byte*)entry + *entry);
                byte* staticBase = (byte*)*block;
                if (staticBase == null)
                    continue;
                if (KernelHeap.Contains(staticBase))
                    Collector.MarkReference((nuint)staticBase);
                else
                    ObjectLayout.ScanReferences(staticBase);
                Collector.Drain();
            }
        }

        // The conservative roots: the current stack from the spill point up, then every registered range.
        // Marks and pushes what the words point into, without tracing further (the collector drains next, so
        // the time of this call is the scan's own cost). Returns the number of words read.
        public static ulong MarkStacks(byte* stackPointer)
        {
            ulong words = ScanRange(stackPointer, s_stackTop);
            for (int i = 0; i < MaxRanges; i++)
                if (s_ranges[2 * i + 1] != 0)
                    words += ScanRange((byte*)s_ranges[2 * i], (byte*)s_ranges[2 * i + 1]);
            return words;
        }

        private static ulong ScanRange(byte* low, byte* high)
        {
            nuint* first = (nuint*)(((nuint)low + 7) & ~(nuint)7);
            nuint* word = first;
            for (; word < (nuint*)high; word++)
                Collector.MarkConservative(word);   // pushed only; the collector drains after the whole scan
            return (ulong)(word - first);
        }

        // The roots that are not stacks: strong handles, and the frozen objects that hold references.
        public static void MarkHandlesAndFrozen()
        {
            GcHandles.MarkStrong();
            Collector.Drain();
            Finalization.MarkReady();
            FrozenSegments.Walk(trace: true, out int _, out int _);
            Collector.Drain();
        }
    }
}
#endif
