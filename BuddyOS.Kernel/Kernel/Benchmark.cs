namespace BuddyOS.Kernel
{
    internal static unsafe class Benchmark
    {
        public static void Run(byte* scratch, bool emulated) { }
    }
}
