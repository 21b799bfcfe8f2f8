// The boot report as a contract: the one definition of what the kernel prints for the host to read and of
// the statuses QEMU exits with. Compiled into the kernel and, linked, into BuddyOS.Qemu (the host's launcher
// and report parser), so the two sides cannot drift apart.
//
//   BuddyOS: kernel up ...                       first kernel line (the boot budget is timed from it)
//   plan: a b c                                  the self-tests about to run, in order, once
//   [PASS] a (N cycles)                          one line per planned test, "emulated cycles" under TCG
//   [FAIL] b (N cycles): what failed
//   [XFAIL] c: why it cannot run here            counts neither as passed nor as failed
//   selftest: N passed, M failed                 the closing line, once
//   bench: skipped: gc.stress=N ...              under gc.stress, in place of the benchmarks
//   interrupts: ... N timer, M keyboard, ...     the interrupt counters, after the benchmarks
//   buddyos>                                     the shell's prompt (with the `shell` option, or off QEMU)
//   kernel: NAME                                 a kernel of the user's own boots (before its plan line)
namespace BuddyOS.Protocol
{
    public static class ReportProtocol
    {
        public const string KernelUp = "BuddyOS: kernel up";
        public const string Plan = "plan:";
        public const string Pass = "[PASS]";
        public const string Fail = "[FAIL]";
        public const string ExpectedFailure = "[XFAIL]";
        public const string Cycles = "cycles";
        public const string EmulatedCycles = "emulated cycles";
        public const string Summary = "selftest:";
        public const string SummaryPassed = "passed,";
        public const string SummaryFailed = "failed";
        public const string Interrupts = "interrupts:";
        public const string BenchmarksSkipped = "bench: skipped: gc.stress=";
        public const string ShellPrompt = "buddyos> ";
        public const string ShellOption = "shell";
        public const string UserKernel = "kernel:";

        // isa-debug-exit: writing code to ExitPort ends QEMU with status (code << 1) | 1. Status 0 is never a
        // success: a triple fault under -no-reboot exits 0 too.
        public const ushort ExitPort = 0xF4;
        public const uint AllPassedCode = 0x10;
        public const uint TestsFailedCode = 0x11;
        public const uint PanickedCode = 0x12;
        // The shell's `halt` and `reboot`: a person ended the session (buddyqemu: "stopped by the user", exit 0).
        // A reboot says so before it resets: under -no-reboot a reset alone exits 0, as a triple fault does.
        public const uint UserHaltCode = 0x13;
        public const uint UserRebootCode = 0x14;
        // A kernel of the user's own (BuddyOS.Framework.Kernel) called Stop and its AfterRun returned; its self-tests had passed.
        public const uint KernelStoppedCode = 0x15;
        public const int AllPassedStatus = (int)(AllPassedCode << 1 | 1);      // 33
        public const int TestsFailedStatus = (int)(TestsFailedCode << 1 | 1);  // 35
        public const int PanickedStatus = (int)(PanickedCode << 1 | 1);        // 37
        public const int UserHaltStatus = (int)(UserHaltCode << 1 | 1);        // 39
        public const int UserRebootStatus = (int)(UserRebootCode << 1 | 1);    // 41
        public const int KernelStoppedStatus = (int)(KernelStoppedCode << 1 | 1);  // 43
    }
}
