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
            s_periodNs = (ulong)divisor * 1000000000UL / InputHz;
            Irq.Restore(enabled);
        }

        public static void OnTick()
        {
            s_ticks++;
            s_nanoseconds += s_periodNs;
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
