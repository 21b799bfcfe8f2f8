// The 8254 PIT, channel 0, as the kernel's clock: a periodic IRQ 0 at Hz ticks per second.
// Uptime and Sleep count those ticks; nothing else keeps time (the TSC rate is unknown under TCG).
namespace BuddyOS.Kernel.Interrupts
{
    internal static class Pit
    {
        public const uint InputHz = 1193182;
        public const uint DefaultHz = 100;

        private const ushort Channel0 = 0x40, Command = 0x43;

        private static uint s_hz;
        private static ulong s_ticks;       // written by the IRQ 0 handler only
        private static ulong s_nanoseconds; // time since boot, advanced by the exact period of each tick
        private static ulong s_periodNs;
        private static uint s_divisor;
        // Interrupt latency: how far channel 0 has counted down since it raised IRQ 0 when the handler reads it.
        private static ulong s_latencySamples, s_latencySumCounts, s_latencyMaxCounts;

        public static uint Hz => s_hz;
        public static ulong Ticks => s_ticks;

        // Channel 0, lobyte/hibyte, mode 2 (rate generator). The divisor fits 16 bits for 19 Hz and up.
        public static void SetFrequency(uint hz)
        {
            uint divisor = InputHz / hz;
            if (divisor > 0xFFFF) divisor = 0xFFFF;
            if (divisor < 1) divisor = 1;
            bool enabled = Irq.Disable();
            Machine.Outb(Command, 0x34);
            Machine.Outb(Channel0, (byte)divisor);
            Machine.Outb(Channel0, (byte)(divisor >> 8));
            s_hz = InputHz / divisor;
            s_divisor = divisor;
            s_periodNs = (ulong)divisor * 1000000000UL / InputHz;
            Irq.Restore(enabled);
        }

        public static void OnTick()
        {
            s_ticks++;
            s_nanoseconds += s_periodNs;
            // Mode 2 raises IRQ 0 as the count reloads to the divisor; the latched count says how long ago that was.
            Machine.Outb(Command, 0x00);
            uint count = Machine.Inb(Channel0);
            count |= (uint)Machine.Inb(Channel0) << 8;
            if (count == 0 || count > s_divisor)
                return;                     // a reading of another period's edge: not a latency
            ulong elapsed = s_divisor - count;
            s_latencySamples++;
            s_latencySumCounts += elapsed;
            if (elapsed > s_latencyMaxCounts)
                s_latencyMaxCounts = elapsed;
        }

        // "timer latency: mean N us, max M us over K ticks", from the PIT's own count (838 ns per count).
        public static void PrintLatency()
        {
            ulong mean = s_latencySamples == 0 ? 0 : s_latencySumCounts * 1000000UL / InputHz / s_latencySamples;
            System.Console.WriteLine($"timer latency (PIT count at handler entry): mean {mean} us, max {s_latencyMaxCounts * 1000000UL / InputHz} us over {s_latencySamples} ticks");
        }

        public static ulong UptimeMilliseconds
        {
            get
            {
                bool enabled = Irq.Disable();   // a 64-bit read is atomic, but the pair must not tear
                ulong ns = s_nanoseconds;
                Irq.Restore(enabled);
                return ns / 1000000UL;
            }
        }

        // Halts between ticks; returns false at once when interrupts are off (the clock would never move).
        public static bool Sleep(ulong milliseconds)
        {
            if (!Irq.Enabled || s_hz == 0)
                return false;
            ulong until = UptimeMilliseconds + milliseconds;
            while (UptimeMilliseconds < until)
            {
                Irq.Disable();
                Irq.WaitForInterrupt();
            }
            return true;
        }
    }
}
