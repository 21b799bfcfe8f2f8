// QEMU's isa-debug-exit device (iobase 0xf4): writing v ends QEMU with status (v << 1) | 1.
// On real hardware or VMware nothing listens there, so the write is harmless and we halt with the
// report on screen. Status 0 never means success: a triple fault under -no-reboot also exits 0.
namespace BuddyOS.Kernel.Drivers
{
    internal static class QemuExit
    {
        private const ushort Port = 0xF4;

        public const uint AllPassed = 0x10;    // QEMU exits 33
        public const uint TestsFailed = 0x11;  // QEMU exits 35
        public const uint Panicked = 0x12;     // QEMU exits 37

        public static void ExitAndHalt(uint code)
        {
            Machine.Outd(Port, code);
            Machine.HaltForever();
        }
    }
}
