// In-kernel allocator benchmark: TSC cycles per allocate and per free, the buddy heap with its object cache
// (the kernel's heap), the pure buddy and the tutorial bump heap, each over the same fresh 4 MiB scratch
// region in this boot. Under QEMU TCG the TSC
// counts emulated cycles, so the absolute numbers only compare with each other; the ratio is the point.
using BuddyOS.Heap;
using BuddyOS.Kernel.SelfTest;

namespace BuddyOS.Kernel
{
    internal static unsafe class Benchmark
    {
        private const int Operations = 20000;
        private const nuint BlockSize = 48;

        private struct Result
        {
            public ulong AllocateCycles;
            public ulong FreeCycles;
        }

        public static void Run(byte* scratch, bool emulated)
        {
            nint[] blocks = new nint[Operations];
            string unit = emulated ? "emulated cycles (TCG)" : "cycles (TSC)";

            BuddyHeap slabs = ScratchHeap.CreateLayered();
            Result c = Measure(ref slabs, blocks);
            PureBuddyHeap buddy = ScratchHeap.CreateFresh();
            Result b = Measure(ref buddy, blocks);

            byte* bumpMetadata = KernelHeap.AllocateRaw(BumpHeap.MetadataBytes(), 16);
            BumpHeap.TryCreate(scratch, ScratchHeap.Size, bumpMetadata, BumpHeap.MetadataBytes(), out BumpHeap bump);
            Result p = Measure(ref bump, blocks);

            Console.Write("bench: ");
            Console.WriteDecimal((ulong)Operations);
            Console.Write(" x ");
            Console.WriteDecimal((ulong)BlockSize);
            Console.Write(" B, ");
            Console.WriteLine(unit);
            WriteLine("bench: buddy+slabs alloc ", c.AllocateCycles, " free ", c.FreeCycles);
            WriteLine("bench: pure buddy  alloc ", b.AllocateCycles, " free ", b.FreeCycles);
            WriteLine("bench: bump        alloc ", p.AllocateCycles, " free ", p.FreeCycles);
            WriteRatio("bench: buddy+slabs/bump ratio: alloc ", c, p, " (target <= 1.50x)");
            WriteRatio("bench: pure buddy/bump ratio: alloc ", b, p, "");
            ExceptionBenchmark.Run(unit);
        }

        // Generic over the heap type so both are called directly, with no interface dispatch in the loop.
        private static Result Measure<THeap>(ref THeap heap, nint[] blocks) where THeap : struct, IHeapAllocator
        {
            ulong start = Machine.Rdtsc();
            for (int i = 0; i < blocks.Length; i++)
                blocks[i] = (nint)heap.Allocate(BlockSize, 16);
            ulong middle = Machine.Rdtsc();
            for (int i = 0; i < blocks.Length; i++)
                heap.Free((byte*)blocks[i]);
            ulong end = Machine.Rdtsc();
            if (blocks[blocks.Length - 1] == 0)
                Panic.Fail("benchmark heap ran out; blocks", (ulong)blocks.Length);
            Result result;
            result.AllocateCycles = (middle - start) / (ulong)blocks.Length;
            result.FreeCycles = (end - middle) / (ulong)blocks.Length;
            return result;
        }

        private static void WriteRatio(string label, Result heap, Result bump, string note)
        {
            Console.Write(label);
            Console.WriteFraction(heap.AllocateCycles, bump.AllocateCycles);
            Console.Write("x, free ");
            Console.WriteFraction(heap.FreeCycles, bump.FreeCycles);
            Console.Write("x");
            Console.WriteLine(note);
        }

        private static void WriteLine(string a, ulong allocate, string b, ulong free)
        {
            Console.Write(a);
            Console.WriteDecimal(allocate);
            Console.Write(b);
            Console.WriteDecimal(free);
            Console.WriteLine(" per operation");
        }
    }
}
