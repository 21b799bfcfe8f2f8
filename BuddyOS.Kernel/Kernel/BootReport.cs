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

        public static void Print(CommandLine options, string hypervisor, int staticBases)
        {
            Console.Write("cmdline: \"");
            Console.Write(options.Raw);
            Console.WriteLine("\"");
            Console.Write("cpu: ");
            Console.WriteLine(hypervisor.Length == 0 ? "no hypervisor reported" : string.Concat("hypervisor \"", hypervisor, "\""));
            Console.Write("heap: ");
            Console.Write(KernelHeap.Kind);
            Console.Write(" heap at ");
            Console.WriteHex((ulong)KernelHeap.Bottom, 10);
            Console.Write("..");
            Console.WriteHex((ulong)KernelHeap.Top, 10);
            Console.Write(" = HEAP_BOTTOM=");
            Console.WriteHex((ulong)HeapBottomPhysical(), 8);
            Console.Write(" HEAP_TOP=");
            Console.WriteHex((ulong)HeapBottomPhysical() + (ulong)(KernelHeap.Top - KernelHeap.Bottom), 8);
            Console.Write(" in .bss (");
            Console.WriteDecimal((ulong)(KernelHeap.Top - KernelHeap.Bottom) / 1024);
            Console.Write(" KiB), metadata ");
            Console.WriteDecimal((ulong)KernelHeap.MetadataBytes);
            Console.WriteLine(" bytes");
            Console.Write("runtime: ");
            Console.WriteDecimal((ulong)staticBases);
            Console.WriteLine(" static bases allocated on the heap");

            object first = 42;   // the report's "first allocation": a boxed int
            Console.Write("first allocation: boxed int at ");
            Console.WriteHex((ulong)Internal.Runtime.Allocator.AddressOf(first), 10);
            Console.WriteLine();
            PrintStatistics(KernelHeap.Statistics);
#if !KERNEL_HEAP_BUMP
            PrintFreeBlocks(ref KernelHeap.Heap);
#endif
        }

        public static void PrintStatistics(HeapStatistics s)
        {
            Console.Write("heap stats: requested ");
            Console.WriteDecimal((ulong)s.RequestedBytes);
            Console.Write(" B, held ");
            Console.WriteDecimal((ulong)s.HeldBytes);
            Console.Write(" B, free ");
            Console.WriteDecimal((ulong)s.FreeBytes);
            Console.Write(" B, largest free block ");
            Console.WriteDecimal((ulong)s.LargestFreeBlock);
            Console.Write(" B, live blocks ");
            Console.WriteDecimal(s.LiveBlocks);
            Console.WriteLine();
        }

        public static void PrintFreeBlocks<THeap>(ref THeap heap) where THeap : struct, IBuddyHeap
        {
            Console.Write("free blocks per order (block size):");
            for (int order = 0; order < heap.Orders; order++)
            {
                nuint count = heap.FreeBlockCount(order);
                if (count == 0)
                    continue;
                Console.Write(" ");
                WriteSize((ulong)heap.BlockSize(order));
                Console.Write("x");
                Console.WriteDecimal((ulong)count);
            }
            Console.WriteLine();
        }

        public static void WriteSize(ulong bytes)
        {
            if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) == 0)
            {
                Console.WriteDecimal(bytes / (1024 * 1024));
                Console.Write("M");
            }
            else if (bytes >= 1024 && bytes % 1024 == 0)
            {
                Console.WriteDecimal(bytes / 1024);
                Console.Write("K");
            }
            else
            {
                Console.WriteDecimal(bytes);
            }
        }
    }
}
