// A minimal test framework for code that can only run inside the kernel. A test is a named delegate
// that records its first failed check in a TestContext; the runner prints one line per test:
//   [PASS] name | [FAIL] name: what (expected X, actual Y) | [XFAIL] name: reason
// XFAIL marks a test skipped because the selected heap cannot do what it needs (the bump heap has no
// real free); it counts neither as passed nor as failed.
using BuddyOS.Heap;

namespace BuddyOS.Kernel.SelfTest
{
    internal delegate void TestBody(TestContext t);

    internal sealed class TestCase
    {
        public string Name;
        public TestBody Body;
        public bool NeedsFree;   // frees on the kernel heap and expects the memory back
        public bool NeedsCollector;   // expects garbage to be collected
        public bool AlwaysRun;   // ignores selftest.only (the deliberate failure asked for by selftest=fail)
    }

    internal sealed class TestContext
    {
        public string Failure;   // the first failed check, null while all checks hold
        public string Note;      // what a passing test wants the report to say (sizes it reached, say)
        public bool Full;        // selftest=full: run at full size

        public bool Check(bool condition, string what)
        {
            if (!condition && (object)Failure == null)
                Failure = what;
            return condition;
        }

        public bool Equal(ulong expected, ulong actual, string what)
        {
            if (expected != actual && (object)Failure == null)
                Failure = string.Concat(what, " (expected ", expected.ToString(), string.Concat(", actual ", actual.ToString(), ")"));
            return expected == actual;
        }

        public bool Equal(string expected, string actual, string what)
        {
            if (expected != actual && (object)Failure == null)
                Failure = string.Concat(what, " (expected \"", expected, string.Concat("\", actual \"", actual, "\")"));
            return expected == actual;
        }

        public bool Status(HeapStatus expected, HeapStatus actual, string what)
        {
            if (expected != actual && (object)Failure == null)
                Failure = string.Concat(what, " (expected ", HeapStatusNames.Name(expected), string.Concat(", actual ", HeapStatusNames.Name(actual), ")"));
            return expected == actual;
        }

        public unsafe bool InKernelHeap(void* p, string what)
        {
            if (!KernelHeap.Contains(p) && (object)Failure == null)
                Failure = string.Concat(what, " lies outside [HEAP_BOTTOM, HEAP_TOP) (address ", ((ulong)p).ToString(), ")");
            return KernelHeap.Contains(p);
        }
    }

    internal struct TestResults
    {
        public int Passed;
        public int Failed;
        public int ExpectedFailures;
    }

    internal static class TestRunner
    {
        public static TestResults Run(System.Collections.Generic.List<TestCase> tests, CommandLine options)
        {
            TestResults results = default;
            Console.WriteLine("selftest: running kernel self-tests");
            for (int i = 0; i < tests.Count; i++)
            {
                TestCase test = tests[i];
                if (!test.AlwaysRun && !options.Selects(test.Name))
                    continue;
                if (test.NeedsFree && !KernelHeap.SupportsFree)
                {
                    Report(Drivers.VgaText.Yellow, "[XFAIL] ", test.Name, "needs free; the bump heap only frees by resetting when nothing is live");
                    results.ExpectedFailures++;
                    continue;
                }
                if (test.NeedsCollector && !GarbageCollection.Collector.Supported)
                {
                    Report(Drivers.VgaText.Yellow, "[XFAIL] ", test.Name, GarbageCollection.Collector.Unsupported);
                    results.ExpectedFailures++;
                    continue;
                }
                TestContext context = new TestContext();
                context.Full = options.Full;
                test.Body(context);
                if ((object)context.Failure == null)
                {
                    Report(Drivers.VgaText.Green, "[PASS] ", test.Name, context.Note);
                    results.Passed++;
                }
                else
                {
                    Report(Drivers.VgaText.Red, "[FAIL] ", test.Name, context.Failure);
                    results.Failed++;
                }
            }
            // One line alone, for the host to parse. XFAIL counts in neither number.
            Console.Write("selftest: ");
            Console.WriteDecimal((ulong)results.Passed);
            Console.Write(" passed, ");
            Console.WriteDecimal((ulong)results.Failed);
            Console.WriteLine(" failed");
            return results;
        }

        private static void Report(byte color, string tag, string name, string detail)
        {
            Console.SetColor(color);
            Console.Write(tag);
            Console.ResetColor();
            Console.Write(name);
            if ((object)detail != null)
            {
                Console.Write(": ");
                Console.Write(detail);
            }
            Console.WriteLine();
        }
    }
}
