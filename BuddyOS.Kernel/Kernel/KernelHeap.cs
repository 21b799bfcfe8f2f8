// The one heap behind `new`, composed here: BuddyHeap, the buddy core with its object cache and placement layers, over
// HEAP_BOTTOM..HEAP_TOP (built with -p:KernelHeap=PureBuddy, PureBuddyHeap, the buddy core alone; with
// -p:KernelHeap=Bump, the tutorial bump heap over the same region). Objects are given back by the
// collector (GarbageCollection/Collector); Free stays for code that wants to return memory at once.
// Two kinds of block come from here: objects (what `new` makes: the collector knows them by their object
// bit and sweeps them when unreachable) and raw blocks (memory a caller manages itself: never swept).
// Running out, after a collection, is a panic naming the size, the alignment and what the collection freed.
#if KERNEL_HEAP_BUMP
using HeapImplementation = BuddyOS.Heap.BumpHeap;
#elif KERNEL_HEAP_PURE_BUDDY
using HeapImplementation = BuddyOS.Heap.PureBuddyHeap;
#else
using HeapImplementation = BuddyOS.Heap.BuddyHeap;
#endif
using BuddyOS.Heap;
using BuddyOS.Kernel.GarbageCollection;
using BuddyOS.Kernel.Runtime;

namespace BuddyOS.Kernel
{
    internal static unsafe class KernelHeap
    {
        // 4 MiB in 19 orders: blocks from 16 bytes (the heap's floor) to the whole region.
        public const int Orders = 19;

        // Objects need pointer alignment only. Every object starts at a 16-byte multiple of the region (a slot
        // of a 16-multiple size class in a 4 KiB slab, or a buddy block), which the collector's object map relies
        // on (one bit per 16 bytes).
        private const nuint ObjectAlignment = 8;
        private const nuint SmallestObject = 24;

#if KERNEL_HEAP_BUMP
        public const bool SupportsFree = false;
        public const string Kind = "bump";
#elif KERNEL_HEAP_PURE_BUDDY
        public const bool SupportsFree = true;
        public const string Kind = "buddy";
#else
        public const bool SupportsFree = true;
        public const string Kind = "buddy+slabs";
#endif

        private static HeapImplementation s_heap;
        private static byte* s_bottom;
        private static byte* s_top;
        private static nuint s_metadataBytes;
        private static ulong s_objectBytesAllocated;
        private static ulong s_objectBytesFreed;

        // The bytes `new` asked for since boot (requested sizes): how much garbage the collector has seen through.
        public static ulong ObjectBytesAllocated => s_objectBytesAllocated;

        // The bytes of objects given back by hand (Free) since boot, in the same units (the size `new` asked for):
        // what the collector never had to reclaim.
        public static ulong ObjectBytesFreed => s_objectBytesFreed;

        public static byte* Bottom => s_bottom;
        public static byte* Top => s_top;
        public static nuint MetadataBytes => s_metadataBytes;
        public static ref HeapImplementation Heap => ref s_heap;

        public static void Initialize(byte* bottom, byte* top, byte* metadata, byte* metadataEnd)
        {
            nuint size = (nuint)(top - bottom);
#if KERNEL_HEAP_BUMP
            nuint needed = BumpHeap.MetadataBytes();
            HeapStatus status = BumpHeap.TryCreate(bottom, size, metadata, (nuint)(metadataEnd - metadata), out s_heap);
#else
            nuint needed = HeapImplementation.MetadataBytes(size, Orders);
            HeapStatus status = HeapImplementation.TryCreate(bottom, size, Orders, metadata, (nuint)(metadataEnd - metadata), out s_heap);
#endif
            if (status != HeapStatus.Ok)
                Panic.Fail(HeapStatusNames.Name(status), needed);
            s_bottom = bottom;
            s_top = top;
            s_metadataBytes = needed;
        }

        public static bool Contains(void* p) => p >= s_bottom && p < s_top;

        // The object path of the runtime (RhpNewFast & co.): zeroed memory with its object bit set, or a panic.
        public static byte* AllocateObject(nuint size)
        {
            if (!Runtime.GcInterface.InNoGcRegion)
                Collector.BeforeObjectAllocation();
            Runtime.GcInterface.NoteAllocation(size);
            s_objectBytesAllocated += size;
            byte* block = AllocateRaw(size < SmallestObject ? SmallestObject : size, ObjectAlignment);
            Collector.NoteObject(block);
            return block;
        }

        // Raw memory the caller manages (metadata for another heap, say): zeroed, never swept, or a panic.
        public static byte* AllocateRaw(nuint size, nuint alignment)
        {
            HeapStatus status = TryAllocateRaw(size, alignment, out byte* block);
            if (status == HeapStatus.UseAfterFree || status == HeapStatus.HeapCorrupted)
                Panic.Fail(status == HeapStatus.UseAfterFree ? "heap check: UseAfterFree (a freed block was written to); allocation size"
                    : "heap check: HeapCorrupted (an invariant broke); allocation size", size);
            if (status != HeapStatus.Ok)
                Panic.OutOfMemory(size, alignment, HeapStatusNames.Name(status), status == HeapStatus.OutOfMemory && Collector.IsReady);
            return block;
        }

        // As AllocateRaw, with the heap's status instead of a panic. A failure collects and retries first.
        public static HeapStatus TryAllocateRaw(nuint size, nuint alignment, out byte* block)
        {
            if (s_bottom == null)
                Panic.Fail("allocation before the kernel heap exists; size", size);
            HeapStatus status = s_heap.TryAllocateZeroed(size, alignment, out block);
            if (status == HeapStatus.OutOfMemory && Collector.IsReady)
            {
                Collector.Collect();
                status = s_heap.TryAllocateZeroed(size, alignment, out block);
            }
            return status;
        }

        // Returns an object's memory to the heap at once. The caller promises nothing references it any more.
        // Only a live object's header is read (its object bit says it is one), so a stale reference costs nothing.
        public static HeapStatus TryFree(object obj)
        {
            byte* p = (byte*)Allocation.AddressOf(obj);
            nuint size = 0;
#if !KERNEL_HEAP_BUMP
            if (Collector.IsObject(p))
                size = (ObjectLayout.SizeOf(p, *(MethodTable**)p) + 7) & ~(nuint)7;
#endif
            HeapStatus status = TryFreeRaw(ObjectLayout.BlockOf(p));
            if (status == HeapStatus.Ok)
                s_objectBytesFreed += size;
            return status;
        }

        public static void Free(object obj)
        {
            HeapStatus status = TryFree(obj);
            if (status != HeapStatus.Ok)
                Panic.Fail(HeapStatusNames.Name(status), (ulong)ObjectLayout.BlockOf((byte*)Allocation.AddressOf(obj)));
        }

        // Any block, object or raw; the heap's status for a bad pointer, and then nothing changes.
        public static HeapStatus TryFreeRaw(byte* block)
        {
            HeapStatus status = s_heap.Free(block);
            if (status == HeapStatus.Ok)
                Collector.ForgetBlock(block);
            return status;
        }

        public static HeapStatistics Statistics => s_heap.GetStatistics();

        // heap.checks=on: every debug check (HeapChecks.All) on the kernel heap, from here on.
        public static HeapStatus EnableChecks()
        {
#if KERNEL_HEAP_BUMP
            return HeapStatus.Unsupported;
#else
            return s_heap.SetChecks(HeapChecks.All);
#endif
        }
    }
}
