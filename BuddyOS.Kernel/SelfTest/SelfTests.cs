// The kernel's self-test suite: which tests exist and in what order. Registering a test is one
// `Add(tests, "name", Body, needsFree: ...)` line here; the host reads these lines to make each test its own
// result (BuddyOS.Tests/Kernel/SelfTestRegistry.cs) and checks them against the plan the kernel prints.
using System.Collections.Generic;

namespace BuddyOS.Kernel.SelfTest
{
    internal static unsafe class SelfTests
    {
        // stop: asked between tests (the shell's Ctrl-C); null at boot.
        public static TestResults Run(CommandLine options, byte* scratch, StopRequested stop = null) =>
            Run(options, scratch, null, stop);

        // kernelTests: a user kernel's own (Framework.Kernel.AddSelfTests), after BuddyOS's suite, which then runs only
        // with selftest=buddyos: the user's boot budget is their own tests.
        public static TestResults Run(CommandLine options, byte* scratch, List<TestCase> kernelTests, StopRequested stop = null)
        {
            ScratchHeap.Initialize(scratch);
            List<TestCase> tests = kernelTests == null || options.BuddyOSSuite ? Registered() : new List<TestCase>();
            if (kernelTests != null)
                tests.AddRange(kernelTests);
            if (options.AddFailingTest)
                tests.Add(DeliberateFailureCase());
            return TestRunner.Run(tests, options, stop);
        }

        public static bool Exists(string name)
        {
            List<TestCase> tests = Registered();
            for (int i = 0; i < tests.Count; i++)
                if (tests[i].Name == name)
                    return true;
            return false;
        }

        private static List<TestCase> Registered()
        {
            List<TestCase> tests = new List<TestCase>();
            Add(tests, "new_uses_kernel_heap", HeapTests.NewUsesKernelHeap, needsFree: false);
            Add(tests, "many_short_lived", HeapTests.ManyShortLived, needsFree: false).NeedsCollector = true;
            Add(tests, "long_lived", HeapTests.LongLived, needsFree: false).NeedsCollector = true;
            Add(tests, "alignment", HeapTests.Alignment, needsFree: false);
            Add(tests, "reallocate", ScratchHeapTests.Reallocate, needsFree: false);
            Add(tests, "exhaustion", ScratchHeapTests.Exhaustion, needsFree: false);
            Add(tests, "use_after_free_caught", ScratchHeapTests.UseAfterFreeCaught, needsFree: false);
            Add(tests, "bad_free", HeapTests.BadFree, needsFree: true);
            Add(tests, "strings", StringTests.Strings, needsFree: false).NeedsCollector = true;
            Add(tests, "static_constructor", RuntimeTests.StaticConstructor, needsFree: false);
            Add(tests, "static_fields", RuntimeTests.StaticFields, needsFree: false);
            Add(tests, "interface_dispatch", RuntimeTests.InterfaceDispatch, needsFree: false);
            Add(tests, "casts", RuntimeTests.Casts, needsFree: false);
            Add(tests, "generics", RuntimeTests.Generics, needsFree: false);
            Add(tests, "delegates", RuntimeTests.Delegates, needsFree: false);
            Add(tests, "boxing", RuntimeTests.Boxing, needsFree: false);
            Add(tests, "spans", RuntimeTests.Spans, needsFree: false);
            Add(tests, "gc_api", CollectorTests.Api, needsFree: false).NeedsCollector = true;
            Add(tests, "gc_garbage", CollectorTests.Garbage, needsFree: false).NeedsCollector = true;
            Add(tests, "gc_list_growth", CollectorTests.ListGrowth, needsFree: false).NeedsCollector = true;
            Add(tests, "gc_roots", CollectorTests.Roots, needsFree: false).NeedsCollector = true;
            Add(tests, "gc_cycles", CollectorTests.Cycles, needsFree: false).NeedsCollector = true;
            Add(tests, "gc_deep", CollectorTests.Deep, needsFree: false).NeedsCollector = true;
            Add(tests, "gc_mark_overflow", CollectorTests.MarkOverflow, needsFree: false).NeedsCollector = true;
            Add(tests, "exc_catch", ExceptionTests.Catch, needsFree: false);
            Add(tests, "exc_unwind", ExceptionTests.Unwind, needsFree: false);
            Add(tests, "exc_filter", ExceptionTests.Filter, needsFree: false);
            Add(tests, "exc_rethrow", ExceptionTests.Rethrow, needsFree: false);
            Add(tests, "exc_hardware", ExceptionTests.Hardware, needsFree: false);
            Add(tests, "exc_heap", ExceptionTests.Heap, needsFree: false).NeedsCollector = true;
            Add(tests, "keyboard_layout", InputTests.KeyboardLayout, needsFree: false);
            Add(tests, "bcl_collections", Bcl.CollectionTests.Collections, needsFree: false);
            Add(tests, "bcl_text", Bcl.TextTests.Text, needsFree: false);
            Add(tests, "bcl_linq", Bcl.LinqTests.Linq, needsFree: false);
            Add(tests, "bcl_parse", Bcl.ParseTests.Parse, needsFree: false);
            Add(tests, "bcl_math", Bcl.MathTests.Math, needsFree: false);
            Add(tests, "bcl_exceptions", Bcl.ExceptionBclTests.Exceptions, needsFree: false);
            Add(tests, "bcl_weak", Bcl.WeakTests.Weak, needsFree: false).NeedsCollector = true;
            Add(tests, "bcl_time", Bcl.TimeTests.Time, needsFree: false);
            Add(tests, "bcl_threads", Bcl.ThreadTests.Threads, needsFree: false);
            Add(tests, "bcl_reflection", Bcl.ReflectionTests.Reflection, needsFree: false);
            Add(tests, "bcl_console", Bcl.ConsoleTests.ConsoleOutput, needsFree: false);
            Add(tests, "bcl_program", Bcl.ProgramTests.Calculator, needsFree: false);
            return tests;
        }

        private static TestCase Add(List<TestCase> tests, string name, TestBody body, bool needsFree)
        {
            TestCase test = new TestCase();
            test.Name = name;
            test.Body = body;
            test.NeedsFree = needsFree;
            tests.Add(test);
            return test;
        }

        // selftest=fail: proves a failing check reaches the console and the exit status. Not an Add line:
        // the host must not expect it in a default boot.
        public const string DeliberateFailureName = "deliberate_failure";

        private static TestCase DeliberateFailureCase()
        {
            TestCase test = new TestCase();
            test.Name = DeliberateFailureName;
            test.Body = DeliberateFailure;
            test.AlwaysRun = true;
            return test;
        }

        private static void DeliberateFailure(TestContext t) => t.Equal(1, 2, "selftest=fail asked for a failure");
    }
}
