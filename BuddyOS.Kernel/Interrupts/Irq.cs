// Hardware interrupts: Boot/interrupts.asm's IRQ stubs call Handle with the vector; it runs the device's
// handler, then acknowledges the PIC. The rule every handler keeps: no heap allocation, no throw, no
// Console output. A handler only moves bytes from a device into a fixed ring (Drivers/InputRing.cs) or
// bumps a counter; readers drain the rings with interrupts on. That keeps the collector (which scans the
// stack conservatively and is not reentrant) and the exception dispatcher out of interrupt context.
// A CPU fault inside a handler is never turned into a .NET exception (HardwareExceptions checks InHandler):
// it is the usual panic.
using System.Runtime;
using System.Runtime.CompilerServices;
using BuddyOS.Kernel.Drivers;

namespace BuddyOS.Kernel.Interrupts
{
    internal static unsafe class Irq
    {
        public const int Timer = 0, Keyboard = 1, Com1 = 4;

        private static bool s_inHandler;
        private static bool s_faultInTimer;     // crash=irq
        private static int s_sink;
        private static bool s_initialized;
        private static ulong s_timerCount, s_keyboardCount, s_serialCount, s_spuriousCount, s_otherCount;

        public static bool InHandler => s_inHandler;
        public static bool Initialized => s_initialized;
        public static ulong TimerCount => s_timerCount;
        public static ulong KeyboardCount => s_keyboardCount;
        public static ulong SerialCount => s_serialCount;
        public static ulong SpuriousCount => s_spuriousCount;

        [RuntimeImport("BuddyOS_EnableInterrupts")]
        [MethodImpl(MethodImplOptions.InternalCall)]
        public static extern void Enable();

        // Returns whether they were on, for Restore.
        [RuntimeImport("BuddyOS_DisableInterrupts")]
        [MethodImpl(MethodImplOptions.InternalCall)]
        private static extern int DisableRaw();

        [RuntimeImport("BuddyOS_InterruptsEnabled")]
        [MethodImpl(MethodImplOptions.InternalCall)]
        private static extern int EnabledRaw();

        // With interrupts off: enables them and halts until the next one (sti; hlt, no lost wake-up).
        [RuntimeImport("BuddyOS_WaitForInterrupt")]
        [MethodImpl(MethodImplOptions.InternalCall)]
        public static extern void WaitForInterrupt();

        public static bool Disable() => DisableRaw() != 0;
        public static bool Enabled => EnabledRaw() != 0;

        public static void Restore(bool enabled)
        {
            if (enabled)
                Enable();
        }

        // PIC remapped, PIT at `timerHz`, keyboard and COM1 receive unmasked, then interrupts on.
        public static void Initialize(uint timerHz)
        {
            Pic.Remap();
            Pit.SetFrequency(timerHz);
            Keyboard8042.Initialize();
            Serial.EnableReceiveInterrupt();
            Pic.Unmask(Timer);
            Pic.Unmask(Keyboard);
            Pic.Unmask(Com1);
            s_initialized = true;
            Enable();
        }

        // crash=irq: the next timer interrupt reads address 0 inside its handler.
        public static void InjectTimerFault() => s_faultInTimer = true;

        // The counters since boot, one line (the boot report prints it after the self-tests).
        public static void PrintCounters()
        {
            System.Console.WriteLine($"{BuddyOS.Protocol.ReportProtocol.Interrupts} PIC IRQ 0-15 at vectors 32-47, PIT at {Pit.Hz} Hz; {s_timerCount} timer, "
                + $"{s_keyboardCount} keyboard, {s_serialCount} serial, {s_spuriousCount} spurious; {Keyboard8042.Dropped + Serial.Dropped} input bytes dropped (rings full)");
            Pit.PrintLatency();
        }

        [RuntimeExport("BuddyOS_Irq")]
        private static void Handle(ulong vector)
        {
            int line = (int)vector - Pic.VectorBase;
            if (Pic.IsSpurious(line))
            {
                s_spuriousCount++;
                return;                 // no end-of-interrupt for a spurious IRQ
            }
            s_inHandler = true;
            if (line == Timer)
            {
                s_timerCount++;
                Pit.OnTick();
                if (s_faultInTimer)
                {
                    int* nowhere = null;
                    s_sink = *nowhere;      // page 0 is unmapped: #PF inside the handler
                }
            }
            else if (line == Keyboard)
            {
                s_keyboardCount++;
                Keyboard8042.OnInterrupt();
            }
            else if (line == Com1)
            {
                s_serialCount++;
                Serial.OnReceiveInterrupt();
            }
            else
                s_otherCount++;
            s_inHandler = false;
            Pic.EndOfInterruptFor(line);
        }
    }
}
