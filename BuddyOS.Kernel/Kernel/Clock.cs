// Time for the base library: Stopwatch (SystemNative_GetTimestamp, nanoseconds) from the TSC, whose rate is
// measured at boot against the PIT's fixed 1,193,182 Hz input (channel 2, gated by port 0x61, polled: no
// interrupt needed); DateTime.UtcNow from the CMOS clock read at boot plus the TSC time since. Under QEMU's
// TCG the TSC follows the host's clock, so the calibration holds there too (the self-test bcl_time checks
// Stopwatch against the PIT's interrupt count).
using BuddyOS.Kernel.Drivers;

namespace BuddyOS.Kernel
{
    internal static class Clock
    {
        private const ushort Channel2 = 0x42, Command = 0x43, Gate = 0x61;
        private const uint CalibrationCounts = 5966;    // 5 ms of PIT input
        private const int CalibrationRuns = 16;
        private const long UnixEpochTicks = 621355968000000000L;

        private static ulong s_tscHz;
        private static ulong s_tscAtBoot;
        private static ulong s_nsPerTscShifted;         // 2^32 * 1e9 / tscHz
        private static long s_unixTicksAtBoot;          // 100 ns ticks since 1970 when the RTC was read
        private static Rtc.Time s_bootTime;

        public static ulong TscHz => s_tscHz;
        public static Rtc.Time BootTime => s_bootTime;

        public static void Initialize()
        {
            s_tscHz = Calibrate();
            s_nsPerTscShifted = (ulong)(((System.UInt128)1000000000UL << 32) / s_tscHz);
            s_bootTime = Rtc.Read();
            s_tscAtBoot = Machine.Rdtsc();
            s_unixTicksAtBoot = UnixTicks(s_bootTime);
        }

        // Nanoseconds since Initialize.
        public static long Nanoseconds
        {
            get
            {
                ulong elapsed = Machine.Rdtsc() - s_tscAtBoot;
                return (long)(((System.UInt128)elapsed * s_nsPerTscShifted) >> 32);
            }
        }

        public static long UnixTicksNow => s_unixTicksAtBoot + Nanoseconds / 100;

        // At least `milliseconds`, by the TSC, halting between timer interrupts (spinning when interrupts are off).
        public static void Sleep(long milliseconds)
        {
            long until = Nanoseconds + milliseconds * 1000000;
            while (Nanoseconds < until)
            {
                if (Interrupts.Irq.Enabled)
                {
                    Interrupts.Irq.Disable();
                    Interrupts.Irq.WaitForInterrupt();   // sti; hlt: the next tick wakes it
                }
                else
                    System.Runtime.Intrinsics.X86.X86Base.Pause();
            }
        }

        // TSC cycles per second: the least of sixteen 5 ms PIT one-shots. A stall of the (virtual) CPU can only make
        // a one-shot look longer, never shorter (the poll sees the PIT's output late), so the least is the truest,
        // and short runs are the likeliest to see no stall on a loaded host.
        private static ulong Calibrate()
        {
            ulong best = ulong.MaxValue;
            for (int i = 0; i < CalibrationRuns; i++)
            {
                ulong hz = MeasureOnce();
                if (hz != 0 && hz < best)
                    best = hz;
            }
            return best == ulong.MaxValue ? 1 : best;
        }

        private static ulong MeasureOnce() => WaitPitCounts(CalibrationCounts) * Interrupts.Pit.InputHz / CalibrationCounts;

        // Runs PIT channel 2 once for `counts` of its 1,193,182 Hz input (at most 65535, 54.9 ms), polling its
        // output; returns the TSC cycles that took, 0 when the PIT never finished. Channel 0 keeps its interrupts.
        public static ulong WaitPitCounts(uint counts)
        {
            // Counting starts when the count's high byte is written (QEMU ignores the gate in mode 0; a real 8254
            // counts from there with the gate high). The TSC is read just before that write and just after the
            // output is seen high, so a stall of the (virtual) CPU anywhere can only lengthen the interval.
            byte gate = Machine.Inb(Gate);
            Machine.Outb(Gate, (byte)((gate & 0xFC) | 0x01));          // gate high, speaker off
            Machine.Outb(Command, 0xB0);                                // channel 2, lobyte/hibyte, mode 0
            Machine.Outb(Channel2, unchecked((byte)counts));
            ulong start = Machine.Rdtsc();
            Machine.Outb(Channel2, (byte)(counts >> 8));
            for (ulong spins = 0; (Machine.Inb(Gate) & 0x20) == 0; spins++)
            {
                if (spins > 100000000)
                    return 0;                                           // no PIT: nothing to measure against
            }
            ulong end = Machine.Rdtsc();
            Machine.Outb(Gate, gate);
            return end - start;
        }

        private static long UnixTicks(Rtc.Time t)
        {
            if (t.Year < 1970 || t.Month < 1 || t.Month > 12 || t.Day < 1 || t.Day > System.DateTime.DaysInMonth(t.Year, t.Month)
                || t.Hour > 23 || t.Minute > 59 || t.Second > 59)
                return 0;   // an unreadable clock: 1970, which the boot report shows for what it is
            return new System.DateTime(t.Year, t.Month, t.Day, t.Hour, t.Minute, t.Second, System.DateTimeKind.Utc).Ticks - UnixEpochTicks;
        }
    }
}
