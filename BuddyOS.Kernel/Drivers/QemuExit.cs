// QEMU's isa-debug-exit device; the port and the codes are the report protocol's (SelfTest/ReportProtocol.cs).
// On real hardware or VMware nothing listens there, so the write is harmless and we halt with the
// report on screen.
using BuddyOS.Protocol;

namespace BuddyOS.Kernel.Drivers
{
    internal static class QemuExit
    {
        public const uint AllPassed = ReportProtocol.AllPassedCode;
        public const uint TestsFailed = ReportProtocol.TestsFailedCode;
        public const uint Panicked = ReportProtocol.PanickedCode;
        public const uint UserHalt = ReportProtocol.UserHaltCode;
        public const uint UserReboot = ReportProtocol.UserRebootCode;
        public const uint KernelStopped = ReportProtocol.KernelStoppedCode;

        // Tells QEMU the status without stopping: nothing listens outside QEMU, and under QEMU it exits at once.
        public static void Report(uint code) => Machine.Outd(ReportProtocol.ExitPort, code);

        public static void ExitAndHalt(uint code)
        {
            Machine.Outd(ReportProtocol.ExitPort, code);
            Machine.HaltForever();
        }
    }
}
