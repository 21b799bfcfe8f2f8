// The kernel heap as pictures for the shell: `mem` (statistics and free blocks per order) and `map` (the
// region as a grid, one character per fixed run of addresses, from the heap's own block lookup).
// Only WriteDecimal/WriteHex here, no strings built: printing the heap must not change it.
#if !KERNEL_HEAP_BUMP
using BuddyOS.Heap;

namespace BuddyOS.Kernel.Shell
{
    internal static unsafe class HeapMap
    {
        public const int Columns = 64, Rows = 16;
        public const char Free = '.', Allocated = '#', Split = '+';

        public static void PrintStatistics()
        {
            HeapStatistics s = KernelHeap.Statistics;
            Console.Write("heap: ");
            Console.WriteDecimal((ulong)s.TotalBytes);
            Console.Write(" bytes at ");
            Console.WriteHex((ulong)KernelHeap.Bottom, 10);
            Console.Write("; held ");
            Console.WriteDecimal((ulong)s.HeldBytes);
            Console.Write(", free ");
            Console.WriteDecimal((ulong)s.FreeBytes);
            Console.Write(", requested ");
            Console.WriteDecimal((ulong)s.RequestedBytes);
            Console.WriteLine();
            Console.Write("blocks: ");
            Console.WriteDecimal(s.LiveBlocks);
            Console.Write(" live (");
            Console.WriteDecimal(s.Allocations);
            Console.Write(" allocations, ");
            Console.WriteDecimal(s.Frees);
            Console.Write(" frees); largest free block ");
            Console.WriteDecimal((ulong)s.LargestFreeBlock);
            Console.Write("; peak held ");
            Console.WriteDecimal((ulong)s.PeakHeldBytes);
            Console.WriteLine();
            Console.WriteLine("free blocks per order:");
            ref var heap = ref KernelHeap.Heap;
            for (int order = 0; order < heap.Orders; order++)
            {
                Console.Write("  order ");
                WritePadded((ulong)order, 2);
                Console.Write(" ");
                WritePadded((ulong)heap.BlockSize(order), 8);
                Console.Write(" B: ");
                Console.WriteDecimal((ulong)heap.FreeBlockCount(order));
                Console.WriteLine();
            }
        }

        // A window of the heap's bytes a character covers in a zoomed map (`map ADDR`): 64 KiB on screen.
        public const int ZoomRun = 64;

        public static void PrintMap() => PrintMap(KernelHeap.Heap.RegionStart, KernelHeap.Heap.RegionSize / (Columns * Rows));

        // Each character covers `run` bytes, a power of two as every block is: the run lies inside one block
        // (free or allocated) or is split into smaller blocks of both kinds. Rows past the heap's end are cut.
        public static void PrintMap(byte* from, nuint run)
        {
            ref var heap = ref KernelHeap.Heap;
            if (!heap.Contains(from))
                throw new System.ArgumentOutOfRangeException("ADDR: not inside the heap (mem prints where it is)");
            byte* bottom = heap.RegionStart + ((nuint)(from - heap.RegionStart) & ~(run - 1));
            ulong free = 0, allocated = 0, split = 0;
            Console.Write("heap map: ");
            Console.WriteDecimal((ulong)run);
            Console.Write(" bytes per character; ");
            Console.Write(Free);
            Console.Write(" free  ");
            Console.Write(Allocated);
            Console.Write(" allocated  ");
            Console.Write(Split);
            Console.WriteLine(" split (smaller blocks, some allocated)");
            for (int row = 0; row < Rows && heap.Contains(bottom + (nuint)(row * Columns) * run); row++)
            {
                Console.WriteHex((ulong)(bottom + (nuint)(row * Columns) * run), 10);
                Console.Write(' ');
                for (int column = 0; column < Columns; column++)
                {
                    byte* start = bottom + (nuint)(row * Columns + column) * run;
                    heap.TryFindBlock(start, out HeapBlock block);
                    char c = block.Size < run ? Split : block.IsFree ? Free : Allocated;
                    if (c == Split) split++; else if (c == Free) free++; else allocated++;
                    Console.Write(c);
                }
                Console.WriteLine();
            }
            HeapStatistics s = KernelHeap.Statistics;
            Console.Write("runs: ");
            Console.WriteDecimal(free);
            Console.Write(" free, ");
            Console.WriteDecimal(allocated);
            Console.Write(" allocated, ");
            Console.WriteDecimal(split);
            Console.Write(" split; largest free block ");
            Console.WriteDecimal((ulong)s.LargestFreeBlock);
            Console.Write(" bytes");
            if (FindLargestFree(out HeapBlock largest))
            {
                Console.Write(" at ");
                Console.WriteHex((ulong)largest.Start, 10);
            }
            Console.WriteLine();
        }

        // The first free block of the largest free size, by walking the region block by block.
        private static bool FindLargestFree(out HeapBlock largest)
        {
            ref var heap = ref KernelHeap.Heap;
            largest = default;
            bool found = false;
            for (nuint offset = 0; offset < heap.RegionSize;)
            {
                heap.TryFindBlock(heap.RegionStart + offset, out HeapBlock block);
                if (block.IsFree && (!found || block.Size > largest.Size))
                {
                    largest = block;
                    found = true;
                }
                offset += block.Size;
            }
            return found;
        }

        private static void WritePadded(ulong value, int width)
        {
            int digits = 1;
            for (ulong v = value; v >= 10; v /= 10)
                digits++;
            for (int i = digits; i < width; i++)
                Console.Write(' ');
            Console.WriteDecimal(value);
        }
    }
}
#endif
