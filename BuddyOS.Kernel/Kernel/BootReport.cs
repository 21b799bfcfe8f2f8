// What the kernel prints once it is up: where the heap is and what it looks like after the first
// allocations (static bases, the command line).
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
            ConsoleDevice.Write("cmdline: \"");
            ConsoleDevice.Write(options.Raw);
            ConsoleDevice.WriteLine("\"");
            ConsoleDevice.Write("cpu: ");
            ConsoleDevice.WriteLine(hypervisor.Length == 0 ? "no hypervisor reported" : string.Concat("hypervisor \"", hypervisor, "\""));
            ConsoleDevice.Write("heap: ");
            ConsoleDevice.Write(KernelHeap.Kind);
            ConsoleDevice.Write(" heap at ");
            ConsoleDevice.WriteHex((ulong)KernelHeap.Bottom, 10);
            ConsoleDevice.Write("..");
            ConsoleDevice.WriteHex((ulong)KernelHeap.Top, 10);
            ConsoleDevice.Write(" = HEAP_BOTTOM=");
            ConsoleDevice.WriteHex((ulong)HeapBottomPhysical(), 8);
            ConsoleDevice.Write(" HEAP_TOP=");
            ConsoleDevice.WriteHex((ulong)HeapBottomPhysical() + (ulong)(KernelHeap.Top - KernelHeap.Bottom), 8);
            ConsoleDevice.Write(" in .bss (");
            ConsoleDevice.WriteDecimal((ulong)(KernelHeap.Top - KernelHeap.Bottom) / 1024);
            ConsoleDevice.Write(" KiB), metadata ");
            ConsoleDevice.WriteDecimal((ulong)KernelHeap.MetadataBytes);
            ConsoleDevice.WriteLine(" bytes");

            object first = 42;   // the report's "first allocation": a boxed int
            ConsoleDevice.Write("first allocation: boxed int at ");
            ConsoleDevice.WriteHex((ulong)Runtime.Allocation.AddressOf(first), 10);
            ConsoleDevice.WriteLine();
            PrintStatistics(KernelHeap.Statistics);
#if !KERNEL_HEAP_BUMP
            PrintFreeBlocks(ref KernelHeap.Heap);
#endif
        }

        public static void PrintStatistics(HeapStatistics s)
        {
            ConsoleDevice.Write("heap stats: requested ");
            ConsoleDevice.WriteDecimal((ulong)s.RequestedBytes);
            ConsoleDevice.Write(" B, held ");
            ConsoleDevice.WriteDecimal((ulong)s.HeldBytes);
            ConsoleDevice.Write(" B, free ");
            ConsoleDevice.WriteDecimal((ulong)s.FreeBytes);
            ConsoleDevice.Write(" B, largest free block ");
            ConsoleDevice.WriteDecimal((ulong)s.LargestFreeBlock);
            ConsoleDevice.Write(" B, live blocks ");
            ConsoleDevice.WriteDecimal(s.LiveBlocks);
            ConsoleDevice.WriteLine();
        }

        public static void PrintFreeBlocks<THeap>(ref THeap heap) where THeap : struct, IBuddyHeap
        {
            ConsoleDevice.Write("free blocks per order (block size):");
            for (int order = 0; order < heap.Orders; order++)
            {
                nuint count = heap.FreeBlockCount(order);
                if (count == 0)
                    continue;
                ConsoleDevice.Write(" ");
                WriteSize((ulong)heap.BlockSize(order));
                ConsoleDevice.Write("x");
                ConsoleDevice.WriteDecimal((ulong)count);
            }
            ConsoleDevice.WriteLine();
        }

        public static void WriteSize(ulong bytes)
        {
            if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) == 0)
            {
                ConsoleDevice.WriteDecimal(bytes / (1024 * 1024));
                ConsoleDevice.Write("M");
            }
            else if (bytes >= 1024 && bytes % 1024 == 0)
            {
                ConsoleDevice.WriteDecimal(bytes / 1024);
                ConsoleDevice.Write("K");
            }
            else
            {
                ConsoleDevice.WriteDecimal(bytes);
            }
        }
    }
}
