// What the kernel prints once it is up: where the heap is and what it looks like after the first
// allocations (static bases, the command line).
using System;
using BuddyOS.Heap;

namespace BuddyOS.Kernel
{
    internal static unsafe class BootReport
    {
        // The heap's .bss address; the kernel uses it through a mapping at 512 GiB (Boot/boot.asm).
        [System.Runtime.RuntimeImport("BuddyOS_HeapBottomPhysical")]
        [System.Runtime.CompilerServices.MethodImplAttribute(System.Runtime.CompilerServices.MethodImplOptions.InternalCall)]
        private static extern byte* HeapBottomPhysical();

        public static void Print(CommandLine options, string hypervisor)
        {
            Console.WriteLine($"cmdline: \"{options.Raw}\"");
            Console.WriteLine(hypervisor.Length == 0 ? "cpu: no hypervisor reported" : $"cpu: hypervisor \"{hypervisor}\"");
            ulong size = (ulong)(KernelHeap.Top - KernelHeap.Bottom), physical = (ulong)HeapBottomPhysical();
            Console.WriteLine($"heap: {KernelHeap.Kind} heap at 0x{(ulong)KernelHeap.Bottom:X10}..0x{(ulong)KernelHeap.Top:X10} = HEAP_BOTTOM=0x{physical:X8} "
                + $"HEAP_TOP=0x{physical + size:X8} in .bss ({size / 1024} KiB), metadata {KernelHeap.MetadataBytes} bytes");

            object first = 42;   // the report's "first allocation": a boxed int
            Console.WriteLine($"first allocation: boxed int at 0x{(ulong)Runtime.Allocation.AddressOf(first):X10}");
            PrintStatistics(KernelHeap.Statistics);
#if !KERNEL_HEAP_BUMP
            PrintFreeBlocks(ref KernelHeap.Heap);
#endif
        }

        public static void PrintStatistics(HeapStatistics s) =>
            Console.WriteLine($"heap stats: requested {s.RequestedBytes} B, held {s.HeldBytes} B, free {s.FreeBytes} B, "
                + $"largest free block {s.LargestFreeBlock} B, live blocks {s.LiveBlocks}");

        // Read first, printed after: the printing allocates, and must not change what it prints.
        public static void PrintFreeBlocks<THeap>(ref THeap heap) where THeap : struct, IBuddyHeap
        {
            int orders = heap.Orders;
            nuint* counts = stackalloc nuint[orders];
            for (int order = 0; order < orders; order++)
                counts[order] = heap.FreeBlockCount(order);
            var line = new System.Text.StringBuilder("free blocks per order (block size):");
            for (int order = 0; order < orders; order++)
                if (counts[order] != 0)
                    line.Append(' ').Append(Size((ulong)heap.BlockSize(order))).Append('x').Append(counts[order]);
            Console.WriteLine(line.ToString());
        }

        public static string Size(ulong bytes) =>
            bytes >= 1024 * 1024 && bytes % (1024 * 1024) == 0 ? $"{bytes / (1024 * 1024)}M"
            : bytes >= 1024 && bytes % 1024 == 0 ? $"{bytes / 1024}K"
            : bytes.ToString();
    }
}
