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
            ConsoleDevice.Write("heap: ");
            ConsoleDevice.WriteDecimal((ulong)s.TotalBytes);
            ConsoleDevice.Write(" bytes at ");
            ConsoleDevice.WriteHex((ulong)KernelHeap.Bottom, 10);
            ConsoleDevice.Write(" = held ");
            ConsoleDevice.WriteDecimal((ulong)s.HeldBytes);
            ConsoleDevice.Write(" + cached ");
            ConsoleDevice.WriteDecimal((ulong)s.CachedBytes);
            ConsoleDevice.Write(" + free ");
            ConsoleDevice.WriteDecimal((ulong)s.FreeBytes);
            ConsoleDevice.WriteLine();
            ConsoleDevice.Write("requested ");
            ConsoleDevice.WriteDecimal((ulong)s.RequestedBytes);
            ConsoleDevice.Write(" bytes; peak held ");
            ConsoleDevice.WriteDecimal((ulong)s.PeakHeldBytes);
            ConsoleDevice.WriteLine("; cached: idle slots, spare slabs");
            ConsoleDevice.Write("blocks: ");
            ConsoleDevice.WriteDecimal(s.LiveBlocks);
            ConsoleDevice.Write(" live (");
            ConsoleDevice.WriteDecimal(s.Allocations);
            ConsoleDevice.Write(" allocations, ");
            ConsoleDevice.WriteDecimal(s.Frees);
            ConsoleDevice.Write(" frees), largest free ");
            ConsoleDevice.WriteDecimal((ulong)s.LargestFreeBlock);
            ConsoleDevice.WriteLine();
            ConsoleDevice.WriteLine("free blocks per order:");
            ref var heap = ref KernelHeap.Heap;
            for (int order = 0; order < heap.Orders; order++)
            {
                ConsoleDevice.Write("  order ");
                WritePadded((ulong)order, 2);
                ConsoleDevice.Write(" ");
                WritePadded((ulong)heap.BlockSize(order), 8);
                ConsoleDevice.Write(" B: ");
                ConsoleDevice.WriteDecimal((ulong)heap.FreeBlockCount(order));
                ConsoleDevice.WriteLine();
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
                throw new System.ArgumentOutOfRangeException(null, "ADDR: not inside the heap (mem prints where it is)");
            byte* bottom = heap.RegionStart + ((nuint)(from - heap.RegionStart) & ~(run - 1));
            ulong free = 0, allocated = 0, split = 0;
            ConsoleDevice.Write("heap map: ");
            ConsoleDevice.WriteDecimal((ulong)run);
            ConsoleDevice.Write(" bytes per character; ");
            ConsoleDevice.Write(Free);
            ConsoleDevice.Write(" free  ");
            ConsoleDevice.Write(Allocated);
            ConsoleDevice.Write(" allocated  ");
            ConsoleDevice.Write(Split);
            ConsoleDevice.WriteLine(" split (smaller blocks, some allocated)");
            bool clipped = false;
            for (int row = 0; row < Rows && heap.Contains(bottom + (nuint)(row * Columns) * run); row++)
            {
                ConsoleDevice.WriteHex((ulong)(bottom + (nuint)(row * Columns) * run), 10);
                ConsoleDevice.Write(' ');
                for (int column = 0; column < Columns; column++)
                {
                    byte* start = bottom + (nuint)(row * Columns + column) * run;
                    if (!heap.Contains(start))
                    {
                        clipped = true;   // past the heap's end: nothing to draw
                        break;
                    }
                    heap.TryFindBlock(start, out HeapBlock block);
                    char c = block.Size < run ? Split : block.IsFree ? Free : Allocated;
                    if (c == Split) split++; else if (c == Free) free++; else allocated++;
                    ConsoleDevice.Write(c);
                }
                ConsoleDevice.WriteLine();
            }
            if (clipped || (bottom + (nuint)(Rows * Columns) * run > heap.RegionStart + heap.RegionSize))
            {
                ConsoleDevice.Write("(clipped: the heap ends at ");
                ConsoleDevice.WriteHex((ulong)(heap.RegionStart + heap.RegionSize), 10);
                ConsoleDevice.WriteLine(")");
            }
            HeapStatistics s = KernelHeap.Statistics;
            ConsoleDevice.Write("runs: ");
            ConsoleDevice.WriteDecimal(free);
            ConsoleDevice.Write(" free, ");
            ConsoleDevice.WriteDecimal(allocated);
            ConsoleDevice.Write(" allocated, ");
            ConsoleDevice.WriteDecimal(split);
            ConsoleDevice.Write(" split; largest free block ");
            ConsoleDevice.WriteDecimal((ulong)s.LargestFreeBlock);
            ConsoleDevice.Write(" bytes");
            if (FindLargestFree(out HeapBlock largest))
            {
                ConsoleDevice.Write(" at ");
                ConsoleDevice.WriteHex((ulong)largest.Start, 10);
            }
            ConsoleDevice.WriteLine();
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
                ConsoleDevice.Write(' ');
            ConsoleDevice.WriteDecimal(value);
        }
    }
}
#endif
