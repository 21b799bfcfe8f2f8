// The kernel's self-test suite: which tests exist and in what order. Registering a test is one
// `Add(tests, "name", Body, needsFree: ...)` line here; the host reads these lines to make each test its own
// result (BuddyOS.Tests/Kernel/SelfTestRegistry.cs) and checks them against the plan the kernel prints.
using System.Collections.Generic;

namespace BuddyOS.Kernel.SelfTest
{
    internal static unsafe class SelfTests
    {
        public static TestResults Run(CommandLine options, byte* scratch)
        {
            ScratchHeap.Initialize(scratch);
            List<TestCase> tests = new List<TestCase>();
            Add(tests, "new_uses_kernel_heap", HeapTests.NewUsesKernelHeap, needsFree: false);
            Add(tests, "list_growth", HeapTests.ListGrowth, needsFree: true);
            Add(tests, "many_short_lived", HeapTests.ManyShortLived, needsFree: true);
            Add(tests, "long_lived", HeapTests.LongLived, needsFree: true);
            Add(tests, "alignment", HeapTests.Alignment, needsFree: false);
            Add(tests, "reallocate", ScratchHeapTests.Reallocate, needsFree: false);
            Add(tests, "exhaustion", ScratchHeapTests.Exhaustion, needsFree: false);
            Add(tests, "use_after_free_caught", ScratchHeapTests.UseAfterFreeCaught, needsFree: false);
            Add(tests, "bad_free", HeapTests.BadFree, needsFree: true);
            Add(tests, "strings", StringTests.Strings, needsFree: true);
            Add(tests, "static_constructor", RuntimeTests.StaticConstructor, needsFree: false);
            Add(tests, "static_fields", RuntimeTests.StaticFields, needsFree: false);
            Add(tests, "interface_dispatch", RuntimeTests.InterfaceDispatch, needsFree: false);
            Add(tests, "casts", RuntimeTests.Casts, needsFree: false);
            Add(tests, "generics", RuntimeTests.Generics, needsFree: false);
            Add(tests, "delegates", RuntimeTests.Delegates, needsFree: false);
            Add(tests, "boxing", RuntimeTests.Boxing, needsFree: false);
            Add(tests, "spans", RuntimeTests.Spans, needsFree: false);
            if (options.AddFailingTest)
                tests.Add(DeliberateFailureCase());
            return TestRunner.Run(tests, options);
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
