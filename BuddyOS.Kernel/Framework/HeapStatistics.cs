// The kernel heap's counters for a kernel author, as a snapshot: what `new` has taken and what is left.
using System.Globalization;

namespace BuddyOS.Framework
{
    /// <summary>
    /// A snapshot of the kernel heap, the memory every <c>new</c> comes from (a buddy allocator with an object cache
    /// for small objects; the garbage collector frees into it). Take one with <see cref="Current"/>.
    /// </summary>
    public readonly struct HeapStatistics
    {
        /// <summary>The heap's size in bytes.</summary>
        public long TotalBytes { get; }
        /// <summary>Bytes held by live blocks (each request rounded up to its block).</summary>
        public long HeldBytes { get; }
        /// <summary>Bytes asked for, summed over live blocks.</summary>
        public long RequestedBytes { get; }
        /// <summary>Bytes in free blocks.</summary>
        public long FreeBytes { get; }
        /// <summary>Bytes the small-object cache keeps ready for new objects (neither held nor free).</summary>
        public long CachedBytes { get; }
        /// <summary>The most <see cref="HeldBytes"/> has been since boot.</summary>
        public long PeakHeldBytes { get; }
        /// <summary>The largest free block: the largest single allocation that can succeed now.</summary>
        public long LargestFreeBlock { get; }
        /// <summary>Blocks allocated and not yet freed (objects, arrays, strings and the runtime's own).</summary>
        public long LiveBlocks { get; }
        /// <summary>Allocations since boot.</summary>
        public long Allocations { get; }
        /// <summary>Frees since boot (by the collector, mostly).</summary>
        public long Frees { get; }

        private HeapStatistics(in BuddyOS.Heap.HeapStatistics s)
        {
            TotalBytes = (long)s.TotalBytes;
            HeldBytes = (long)s.HeldBytes;
            RequestedBytes = (long)s.RequestedBytes;
            FreeBytes = (long)s.FreeBytes;
            CachedBytes = (long)s.CachedBytes;
            PeakHeldBytes = (long)s.PeakHeldBytes;
            LargestFreeBlock = (long)s.LargestFreeBlock;
            LiveBlocks = (long)s.LiveBlocks;
            Allocations = (long)s.Allocations;
            Frees = (long)s.Frees;
        }

        /// <summary>The heap now.</summary>
        public static HeapStatistics Current
        {
            get
            {
                BuddyOS.Heap.HeapStatistics s = global::BuddyOS.Kernel.KernelHeap.Statistics;
                return new HeapStatistics(s);
            }
        }

        /// <summary>One line: held bytes and their share of the heap, live blocks, free bytes and the largest free block.</summary>
        public override string ToString() => string.Format(CultureInfo.InvariantCulture,
            "heap: {0:N0} of {1:N0} bytes held ({2:F1}%), {3:N0} live blocks, {4:N0} bytes free, largest free block {5:N0} bytes",
            HeldBytes, TotalBytes, TotalBytes == 0 ? 0.0 : HeldBytes * 100.0 / TotalBytes, LiveBlocks, FreeBytes, LargestFreeBlock);
    }
}
