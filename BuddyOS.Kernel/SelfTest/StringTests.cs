// Strings: concatenation and number formatting allocate on the kernel heap, and the collector frees them.
using BuddyOS.Kernel.Runtime;

namespace BuddyOS.Kernel.SelfTest
{
    internal static unsafe class StringTests
    {
        public static void Strings(TestContext t)
        {
            GarbageCollection.Collector.CollectHere();
            ulong heldBefore = (ulong)KernelHeap.Statistics.HeldBytes;
            Format(t);
            GarbageCollection.Collector.CollectHere();   // called here, not through a helper: see CollectorTests
            t.HeldAtMost(heldBefore, "held bytes once the strings are collected");
        }

        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
        private static void Format(TestContext t)
        {

            string number = 12345.ToString();
            string negative = (-42).ToString();
            string big = ulong.MaxValue.ToString();
            string joined = string.Concat("heap", "-", number);
            string seven = 7.ToString();
            string mixed = "n=" + seven;

            t.Equal("12345", number, "int formatting");
            t.Equal("-42", negative, "negative formatting");
            t.Equal("18446744073709551615", big, "ulong.MaxValue formatting");
            t.Equal("heap-12345", joined, "concatenation");
            t.Equal("n=7", mixed, "string + int");
            t.Equal(10, (ulong)joined.Length, "length");
            t.InKernelHeap(Allocation.AddressOf(joined), "concatenated string");
            t.Check(!KernelHeap.Contains(Allocation.AddressOf("literal")), "a literal is in the image, not the heap");

        }
    }
}
