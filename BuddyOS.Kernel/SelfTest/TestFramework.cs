// A minimal test framework for code that can only run inside the kernel. A test is a named delegate
// that records its first failed check in a TestContext; the runner prints the plan, then one line per
// test with its time in TSC cycles, then the closing line, in the format SelfTest/ReportProtocol.cs defines.
// XFAIL marks a test skipped because the selected heap cannot do what it needs (the bump heap has no
// real free and no collector); it counts neither as passed nor as failed.
using BuddyOS.Heap;
using BuddyOS.Protocol;

namespace BuddyOS.Kernel.SelfTest
{
    internal delegate void TestBody(TestContext t);

    // Whether to stop before the next test (the shell's Ctrl-C).
    internal delegate bool StopRequested();

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

        // selftest=full: every test at its full size; the default boot sizes them for its time budget.
        public static bool Full { get; internal set; }

        // The iteration count (or size) for this run: `quick` in the default boot, `full` with selftest=full.
        public static int Size(int quick, int full) => Full ? full : quick;

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

        // Held bytes (after the caller's collection) back down to `before`: more is a leak. Less is no leak: an
        // object an earlier collection kept alive through a stale stack word (the roots are conservative, and
        // interrupt frames change what the stack holds) has become garbage since. A failure names the objects the
        // last collection reached first from stack words, the usual suspects.
        public bool HeldAtMost(ulong before, string what)
        {
            ulong held = (ulong)KernelHeap.Statistics.HeldBytes;
            if (held <= before)
                return true;
#if !KERNEL_HEAP_BUMP
            string roots = "";
            for (int i = 0; GarbageCollection.Collector.TryGetConservativeRoot(i, out nuint slot, out nuint obj); i++)
                roots += $" [0x{(ulong)slot:X}]=0x{(ulong)obj:X} {TypeNameAt(obj)}";
            return Check(false, $"{what} (expected at most {before}, actual {held}; objects first reached from stack words:{roots})");
#else
            return Check(false, $"{what} (expected at most {before}, actual {held})");
#endif
        }

#if !KERNEL_HEAP_BUMP
        private static unsafe string TypeNameAt(nuint obj) =>
            GarbageCollection.Collector.IsObject((void*)obj) ? Runtime.Allocation.AsObject((void*)obj).GetType().Name : "(freed)";
#endif

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

    internal static unsafe class TestRunner
    {
        // CoreLib creates some state on first use and keeps it for the rest of the boot (the invariant culture
        // and its number format, the strings of the numbers 0 to 299 once formatted, the SR resource strings of
        // exception messages, the type loader's caches for a type name). The tests that check held bytes come
        // back must see steady state, so the runner uses each once before the first test.
        private static void WarmUp()
        {
            for (int i = 0; i < 300; i++)
                System.GC.KeepAlive(i.ToString());
            string text = $"{12345}{-1.5}{ulong.MaxValue:X}" + 42.ToString();
            try
            {
                int.Parse(text);
            }
            catch (System.FormatException e)
            {
                text = e.Message + e.GetType().Name;
            }
            System.GC.KeepAlive(text);
        }

        public static TestResults Run(System.Collections.Generic.List<TestCase> tests, CommandLine options, StopRequested stop = null)
        {
            TestResults results = default;
            TestContext.Full = options.FullSize;
            string unit = Hypervisor.IsQemuTcg(Hypervisor.Vendor()) ? ReportProtocol.EmulatedCycles : ReportProtocol.Cycles;
            var plan = new System.Text.StringBuilder(ReportProtocol.Plan);
            foreach (TestCase test in tests)
                if (Selected(test, options))
                    plan.Append(' ').Append(test.Name);
            System.Console.WriteLine(plan.ToString());
            WarmUp();
            GarbageCollection.Collector.CollectHere();
            ulong held = (ulong)KernelHeap.Statistics.HeldBytes, size = (ulong)(KernelHeap.Top - KernelHeap.Bottom);
            System.Console.WriteLine($"{Runtime.RuntimeReport.HeldBeforeTests}{held} bytes ({held * 100.0 / size:F1}% of the {size >> 20} MiB heap: what the runtime and the kernel keep)");
            for (int i = 0; i < tests.Count; i++)
            {
                TestCase test = tests[i];
                if (!Selected(test, options))
                    continue;
                if (stop != null && stop())
                {
                    System.Console.WriteLine($"test: stopped (Ctrl-C) before {test.Name}");
                    break;
                }
                if (test.NeedsFree && !KernelHeap.SupportsFree)
                {
                    Report(Drivers.VgaText.Yellow, ReportProtocol.ExpectedFailure, test.Name, 0, null,
                        "needs free; the bump heap only frees by resetting when nothing is live");
                    results.ExpectedFailures++;
                    continue;
                }
                if (test.NeedsCollector && !GarbageCollection.Collector.Supported)
                {
                    Report(Drivers.VgaText.Yellow, ReportProtocol.ExpectedFailure, test.Name, 0, null, GarbageCollection.Collector.Unsupported);
                    results.ExpectedFailures++;
                    continue;
                }
                TestContext context = new TestContext();
                ulong start = Machine.Rdtsc();
                test.Body(context);
                GarbageCollection.Finalization.RunPending();   // a safe point between tests
                ulong cycles = Machine.Rdtsc() - start;
                if ((object)context.Failure == null)
                {
                    Report(Drivers.VgaText.Green, ReportProtocol.Pass, test.Name, cycles, unit, context.Note);
                    results.Passed++;
                }
                else
                {
                    Report(Drivers.VgaText.Red, ReportProtocol.Fail, test.Name, cycles, unit, context.Failure);
                    results.Failed++;
                }
            }
            // One line alone, for the host to parse. XFAIL counts in neither number.
            System.Console.WriteLine($"{ReportProtocol.Summary} {results.Passed} {ReportProtocol.SummaryPassed} {results.Failed} {ReportProtocol.SummaryFailed}");
            return results;
        }

        private static bool Selected(TestCase test, CommandLine options) => test.AlwaysRun || options.Selects(test.Name);

        // "[TAG] name (N unit): detail"; a test that did not run (unit null) has no time. The tag in its colour on the
        // screen (the console device's attribute: System.Console has no colour without terminfo).
        private static void Report(byte color, string tag, string name, ulong cycles, string unit, string detail)
        {
            ConsoleDevice.SetColor(color);
            System.Console.Write(tag);
            ConsoleDevice.ResetColor();
            string time = (object)unit == null ? "" : $" ({cycles} {unit})";
            string why = (object)detail == null ? "" : $": {detail}";
            System.Console.WriteLine($" {name}{time}{why}");
        }
    }
}
