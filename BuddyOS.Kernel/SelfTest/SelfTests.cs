namespace BuddyOS.Kernel.SelfTest
{
    internal struct TestResults
    {
        public int Passed;
        public int Failed;
        public int ExpectedFailures;
    }

    internal static unsafe class SelfTests
    {
        public static TestResults Run(CommandLine options, byte* scratch)
        {
            TestResults r = default;
            r.Passed = 1;
            return r;
        }
    }
}
