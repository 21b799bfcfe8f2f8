// What an exception costs: one throw of a preallocated exception caught 1 and 10 frames above the
// throwing method (two passes, CFI unwinding, a catch funclet, resume), and a try block that throws
// nothing against the same call without one. TSC cycles per operation; under QEMU TCG they are
// emulated cycles, so they compare only with each other.
using System;
using System.Runtime.CompilerServices;

namespace BuddyOS.Kernel
{
    internal static class ExceptionBenchmark
    {
        private const int Throws = 2000;
        private const int Calls = 20000;

        private static readonly Exception s_exception = new InvalidOperationException("benchmark");

        public static void Run(string unit)
        {
            ulong one = PerThrow(1);
            ulong ten = PerThrow(10);
            ulong withTry = PerCall(true);
            ulong withoutTry = PerCall(false);
            System.Console.WriteLine($"bench: exceptions, {unit}");
            System.Console.WriteLine($"bench: throw caught 1 frame up {one}, 10 frames up {ten} per throw");
            System.Console.WriteLine($"bench: call with try, nothing thrown {withTry}, without try {withoutTry} per call");
        }

        private static ulong PerThrow(int depth)
        {
            int caught = 0;
            ulong start = Machine.Rdtsc();
            for (int i = 0; i < Throws; i++)
            {
                try
                {
                    Down(depth);
                }
                catch (InvalidOperationException)
                {
                    caught++;
                }
            }
            ulong end = Machine.Rdtsc();
            if (caught != Throws)
                Panic.Fail("exception benchmark: throws caught", (ulong)caught);
            return (end - start) / Throws;
        }

        // depth frames between the catch and the throw: Down(1) throws itself.
        [MethodImpl(MethodImplOptions.NoInlining)]
        private static int Down(int depth)
        {
            if (depth <= 1)
                throw s_exception;
            return Down(depth - 1) + depth;
        }

        private static ulong PerCall(bool withTry)
        {
            int sum = 0;
            ulong start = Machine.Rdtsc();
            for (int i = 0; i < Calls; i++)
                sum += withTry ? GuardedLeaf(i) : UnguardedLeaf(i);
            ulong end = Machine.Rdtsc();
            if (sum == int.MinValue)
                ConsoleDevice.WriteLine("");   // keeps the loop's result alive
            return (end - start) / Calls;
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static int GuardedLeaf(int i)
        {
            try
            {
                return Leaf(i) + 1;
            }
            catch (InvalidOperationException)
            {
                return -1;
            }
        }

        // The same shape without the try: the difference is what an unused try costs.
        [MethodImpl(MethodImplOptions.NoInlining)]
        private static int UnguardedLeaf(int i) => Leaf(i) + 1;

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static int Leaf(int i) => i & 7;
    }
}
