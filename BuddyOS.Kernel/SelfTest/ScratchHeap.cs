// A fresh buddy heap over the scratch region (4 MiB of RAM found in the memory map) for tests that need a heap
// nobody else uses: exhaustion must be able to see "one whole free 4 MiB block" at the end.
using BuddyOS.Heap;

namespace BuddyOS.Kernel.SelfTest
{
    internal static unsafe class ScratchHeap
    {
        public const nuint Size = 4 * 1024 * 1024;

        private static byte* s_region;
        private static byte* s_metadata;
        private static nuint s_metadataBytes;

        public static byte* Region => s_region;
        public static bool Available => s_region != null;

        // Once per boot: the bookkeeping comes from RAM outside the kernel heap (the memory map, like the region
        // itself: 280 KB would be 7% of the kernel heap) and stays for the whole boot, so the shell's `test` and
        // `bench` reuse it instead of allocating it again each time.
        public static void Initialize(byte* region)
        {
            if (s_metadata != null)
                return;
            s_region = region;
            nuint pure = PureBuddyHeap.MetadataBytes(Size, KernelHeap.Orders), layered = BuddyHeap.MetadataBytes(Size, KernelHeap.Orders);
            s_metadataBytes = pure > layered ? pure : layered;   // enough for both kinds
            s_metadata = PhysicalMemory.Take(s_metadataBytes, 4096);
            if (s_metadata == null)
                s_metadata = KernelHeap.AllocateRaw(s_metadataBytes, 16);
        }

        // Every call starts over with an empty heap: the buddy core alone.
        public static PureBuddyHeap CreateFresh()
        {
            HeapStatus status = PureBuddyHeap.TryCreate(s_region, Size, KernelHeap.Orders, s_metadata, s_metadataBytes, out PureBuddyHeap heap);
            if (status != HeapStatus.Ok)
                Panic.Fail(HeapStatusNames.Name(status), (ulong)s_region);
            return heap;
        }

        // An empty heap of the kernel's kind: the buddy core with its object cache and placement.
        public static BuddyHeap CreateLayered()
        {
            HeapStatus status = BuddyHeap.TryCreate(s_region, Size, KernelHeap.Orders, s_metadata, s_metadataBytes, out BuddyHeap heap);
            if (status != HeapStatus.Ok)
                Panic.Fail(HeapStatusNames.Name(status), (ulong)s_region);
            return heap;
        }
    }
}
