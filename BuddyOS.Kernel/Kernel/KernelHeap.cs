// The one heap behind `new`: the buddy heap over HEAP_BOTTOM..HEAP_TOP (or, built with
// -p:KernelHeap=Bump, the tutorial bump heap over the same region). There is no GC: objects live
// until someone calls Free. Running out is a panic naming the size and alignment.
#if KERNEL_HEAP_BUMP
using HeapImplementation = BuddyOS.Heap.BumpHeap;
#else
using HeapImplementation = BuddyOS.Heap.BuddyHeap;
#endif
using BuddyOS.Heap;
using Internal.Runtime;

namespace BuddyOS.Kernel
{
    internal static unsafe class KernelHeap
    {
        // 4 MiB in 19 orders: blocks from 16 bytes (the heap's floor) to the whole region.
        public const int Orders = 19;

#if KERNEL_HEAP_BUMP
        public const bool SupportsFree = false;
        public const string Kind = "bump";
#else
        public const bool SupportsFree = true;
        public const string Kind = "buddy";
#endif

        private static HeapImplementation s_heap;
        private static byte* s_bottom;
        private static byte* s_top;
        private static nuint s_metadataBytes;

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
            nuint needed = BuddyHeap.MetadataBytes(size, Orders);
            HeapStatus status = BuddyHeap.TryCreate(bottom, size, Orders, metadata, (nuint)(metadataEnd - metadata), out s_heap);
#endif
            if (status != HeapStatus.Ok)
                Panic.Fail(HeapStatusNames.Name(status), needed);
            s_bottom = bottom;
            s_top = top;
            s_metadataBytes = needed;
        }

        public static bool Contains(void* p) => p >= s_bottom && p < s_top;

        // The allocation path of the runtime (RhpNewFast & co.): zeroed memory or a panic.
        public static byte* AllocateForRuntime(nuint size, nuint alignment)
        {
            if (s_bottom == null)
                Panic.Fail("allocation before the kernel heap exists; size", size);
            HeapStatus status = s_heap.TryAllocateZeroed(size, alignment, out byte* block);
            if (status == HeapStatus.UseAfterFree || status == HeapStatus.HeapCorrupted)
                Panic.Fail(status == HeapStatus.UseAfterFree ? "heap check: UseAfterFree (a freed block was written to); allocation size"
                    : "heap check: HeapCorrupted (an invariant broke); allocation size", size);
            if (status != HeapStatus.Ok)
                Panic.OutOfMemory(size, alignment, HeapStatusNames.Name(status));
            return block;
        }

        // Returns an object's memory to the heap. The caller promises nothing references it any more.
        public static HeapStatus TryFree(object obj) => s_heap.Free((byte*)Allocator.AddressOf(obj));

        public static void Free(object obj)
        {
            HeapStatus status = TryFree(obj);
            if (status != HeapStatus.Ok)
                Panic.Fail(HeapStatusNames.Name(status), (ulong)Allocator.AddressOf(obj));
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
