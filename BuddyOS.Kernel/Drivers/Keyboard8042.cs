// The PS/2 keyboard behind the 8042 controller, on IRQ 1. The handler only moves the scancode byte from
// port 0x60 into a ring; the reader decodes scancode set 1 (what the controller's translation delivers by
// default) with Terminal/Ps2KeyDecoder.
namespace BuddyOS.Kernel.Drivers
{
    internal static class Keyboard8042
    {
        private const ushort DataPort = 0x60, StatusPort = 0x64;
        private const byte OutputFull = 0x01;

        private static InputRing s_ring;

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
    }
}
