// The terminal's input as one byte stream, what a program reading descriptor 0 of a Linux terminal gets: COM1's
// bytes as they arrive (a terminal on the host already sends VT sequences) and the PS/2 keyboard's characters.
// Interrupt handlers fill the drivers' rings; readers drain them with interrupts briefly off, and halt while
// both are empty.
using BuddyOS.Kernel.Drivers;
using BuddyOS.Kernel.Interrupts;

namespace BuddyOS.Kernel.Runtime.Platform
{
    internal static unsafe class ConsoleInput
    {
        private static byte s_pending;
        private static bool s_hasPending;

        public static bool Available
        {
            get
            {
                bool enabled = Irq.Disable();
                bool any = TryTake(out byte b);
                if (any)
                {
                    s_pending = b;
                    s_hasPending = true;
                }
                Irq.Restore(enabled);
                return any;
            }
        }

        // Blocks until at least one byte is there, then returns what is (up to count).
        public static int Read(byte* buffer, int count)
        {
            if (count <= 0)
                return 0;
            while (true)
            {
                Irq.Disable();
                int n = 0;
                while (n < count && TryTake(out byte b))
                    buffer[n++] = b;
                if (n > 0)
                {
                    Irq.Enable();
                    return n;
                }
                Irq.WaitForInterrupt();   // returns with interrupts on
            }
        }

        public static void WaitForInput()
        {
            Irq.Disable();
            if (!s_hasPending)
                Irq.WaitForInterrupt();
            else
                Irq.Enable();
        }

        // With interrupts off.
        private static bool TryTake(out byte b)
        {
            if (s_hasPending)
            {
                s_hasPending = false;
                b = s_pending;
                return true;
            }
            while (Keyboard8042.TryTakeScancode(out byte scancode))
            {
                if (Keyboard8042.Decode(scancode, out char c))
                {
                    b = c == '\b' ? (byte)0x7F : c == '\n' ? (byte)'\r' : (byte)c;
                    return true;
                }
            }
            return Serial.TryTake(out b);
        }
    }
}
