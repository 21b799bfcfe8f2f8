// The PS/2 keyboard behind the 8042 controller, on IRQ 1. The handler only moves the scancode byte from
// port 0x60 into a ring; Decode (run by the reader) turns scancode set 1 (what the controller's translation
// delivers by default) into keys, US layout: shift, caps lock, backspace, enter, tab, escape.
namespace BuddyOS.Kernel.Drivers
{
    internal static class Keyboard8042
    {
        private const ushort DataPort = 0x60, StatusPort = 0x64;
        private const byte OutputFull = 0x01;

        private const byte LeftShift = 0x2A, RightShift = 0x36, CapsLock = 0x3A, Extended = 0xE0, Release = 0x80;

        // Set 1 make codes 0x00-0x39 to characters, without and with shift; '\0' for keys that type nothing.
        private const string Plain = "\0\x1b" + "1234567890-=\b\tqwertyuiop[]\n\0asdfghjkl;'`\0\\zxcvbnm,./\0*\0 ";
        private const string Shifted = "\0\x1b" + "!@#$%^&*()_+\b\tQWERTYUIOP{}\n\0ASDFGHJKL:\"~\0|ZXCVBNM<>?\0*\0 ";

        private static InputRing s_ring;
        private static bool s_shift, s_capsLock, s_extended;

        public static ulong Dropped => s_ring.Dropped;

        public static void Initialize()
        {
            // Whatever the firmware left in the output buffer would otherwise block the next IRQ 1.
            for (int i = 0; i < 16 && (Machine.Inb(StatusPort) & OutputFull) != 0; i++)
                Machine.Inb(DataPort);
        }

        public static void OnInterrupt()
        {
            if ((Machine.Inb(StatusPort) & OutputFull) != 0)
                s_ring.Put(Machine.Inb(DataPort));
        }

        // Caller holds interrupts off.
        public static bool TryTakeScancode(out byte scancode) => s_ring.TryTake(out scancode);

        // No modifier held, caps lock off: the state a self-test starts the decoder from.
        public static void ResetDecoder()
        {
            s_shift = false;
            s_capsLock = false;
            s_extended = false;
        }

        // One scancode into a key; false for releases, modifiers and keys the layout does not map.
        public static bool Decode(byte scancode, out char c)
        {
            c = '\0';
            if (scancode == Extended)
            {
                s_extended = true;
                return false;
            }
            bool extended = s_extended;
            s_extended = false;
            bool released = (scancode & Release) != 0;
            byte code = (byte)(scancode & ~Release);
            if (code == LeftShift || code == RightShift)
            {
                if (!extended)          // E0 2A / E0 AA are fake shifts around some extended keys
                    s_shift = !released;
                return false;
            }
            if (released)
                return false;
            if (code == CapsLock)
            {
                s_capsLock = !s_capsLock;
                return false;
            }
            if (extended)
            {
                if (code == 0x1C) { c = '\n'; return true; }   // keypad enter
                return false;                                  // arrows and the like: not mapped
            }
            if (code >= Plain.Length)
                return false;
            c = s_shift ? Shifted[code] : Plain[code];
            // Caps lock shifts letters only, and shift undoes it.
            if (s_capsLock && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))
                c = (char)(c ^ 0x20);
            return c != '\0';
        }
    }
}
