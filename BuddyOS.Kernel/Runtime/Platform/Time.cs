// libSystem.Native's clocks: Stopwatch ticks in nanoseconds (Stopwatch.Frequency is 1e9 on Unix), the tick
// count of Environment.TickCount64 in milliseconds, and DateTime.UtcNow in 100 ns ticks since 1970, all from
// the kernel's Clock (TSC calibrated against the PIT; the CMOS clock at boot).
using System.Runtime;

namespace BuddyOS.Kernel.Runtime.Platform
{
    internal static class Time
    {
        [RuntimeExport("SystemNative_GetTimestamp")]
        private static long Timestamp() => Clock.Nanoseconds;

        [RuntimeExport("SystemNative_GetLowResolutionTimestamp")]
        private static long LowResolutionTimestamp() => Clock.Nanoseconds / 1000000;

        [RuntimeExport("SystemNative_GetSystemTimeAsTicks")]
        private static long SystemTimeAsTicks() => Clock.UnixTicksNow;
    }
}
