// bcl_time: Stopwatch from the TSC (calibrated at boot against the PIT) agrees with a PIT interval measured now
// within 5%; DateTime.UtcNow comes from the CMOS clock and moves forward; Thread.Sleep sleeps.
using System;
using System.Diagnostics;
using System.Threading;

namespace BuddyOS.Kernel.SelfTest.Bcl
{
    internal static class TimeTests
    {
        public static void Time(TestContext t)
        {
            // Stopwatch over 10 ms one-shots of PIT channel 2, its output polled as at calibration. A stall of the
            // (virtual) CPU can only lengthen what Stopwatch sees, so the least of eight ratios is the one to judge;
            // the timer interrupts' count is no reference under TCG, where late ticks arrive in bursts.
            const uint Counts = 11932;
            double pitMs = Counts * 1000.0 / Interrupts.Pit.InputHz;
            double ratio = double.MaxValue;
            for (int i = 0; i < 8; i++)
            {
                long start = Stopwatch.GetTimestamp();
                Clock.WaitPitCounts(Counts);
                ratio = Math.Min(ratio, Stopwatch.GetElapsedTime(start).TotalMilliseconds / pitMs);
            }
            t.Check(ratio > 0.95 && ratio < 1.05, $"Stopwatch measured {ratio * pitMs:F2} ms over {pitMs:F2} ms of PIT counts: ratio {ratio:F3}");
            t.Equal(1000000000, (ulong)Stopwatch.Frequency, "Stopwatch.Frequency (nanoseconds, as on Linux)");

            DateTime now = DateTime.UtcNow;
            t.Check(now.Year >= 2020 && now.Year < 2100, $"DateTime.UtcNow = {now:O} is not after 2020");
            t.Check(now.Kind == DateTimeKind.Utc, "DateTime.UtcNow.Kind");
            long before = Environment.TickCount64;
            var sleep = Stopwatch.StartNew();
            Thread.Sleep(30);
            sleep.Stop();
            t.Check(sleep.ElapsedMilliseconds >= 29, $"Thread.Sleep(30) returned after {sleep.ElapsedMilliseconds} ms");
            t.Check(Environment.TickCount64 - before >= 29, "Environment.TickCount64 did not advance across Thread.Sleep(30)");
            t.Check(DateTime.UtcNow > now, "DateTime.UtcNow did not move forward");
            t.Equal("01:02:03.5000000", new TimeSpan(0, 1, 2, 3, 500).ToString(), "TimeSpan formatting");
            t.Check(ParseTests.Throws<ArgumentOutOfRangeException>(() => new DateTime(2026, 13, 1)), "DateTime with month 13 did not throw ArgumentOutOfRangeException");
            t.Note = $"now {now:yyyy-MM-dd HH:mm:ss} UTC; TSC {Clock.TscHz / 1000000} MHz; Stopwatch/PIT {ratio:F3}";
        }
    }
}
