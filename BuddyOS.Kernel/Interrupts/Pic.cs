// The legacy 8259A pair, remapped so IRQ 0-15 arrive on vectors 32-47, clear of the CPU exceptions (0-31).
// Chosen over the local APIC: QEMU (pc and q35, BIOS and UEFI), VMware and PCs all still route the PIT,
// the PS/2 keyboard and COM1 through it, and it needs no ACPI table walk or MMIO mapping.
namespace BuddyOS.Kernel.Interrupts
{
    internal static class Pic
    {
        public const int VectorBase = 32;
        public const int Lines = 16;

        private const ushort MasterCommand = 0x20, MasterData = 0x21, SlaveCommand = 0xA0, SlaveData = 0xA1;
        private const byte EndOfInterrupt = 0x20;
        private const byte ReadInService = 0x0B;
        private const int CascadeLine = 2;

        private static ushort s_mask = 0xFFFF;   // bit n set: IRQ n masked

        public static void Remap()
        {
            Machine.Outb(MasterData, 0xFF);        // everything masked while reprogramming
            Machine.Outb(SlaveData, 0xFF);
            Machine.Outb(MasterCommand, 0x11);     // ICW1: initialise, ICW4 follows
            Machine.Outb(SlaveCommand, 0x11);
            Machine.Outb(MasterData, VectorBase);  // ICW2: vector offsets
            Machine.Outb(SlaveData, VectorBase + 8);
            Machine.Outb(MasterData, 1 << CascadeLine);   // ICW3: slave on IRQ 2
            Machine.Outb(SlaveData, CascadeLine);
            Machine.Outb(MasterData, 0x01);        // ICW4: 8086 mode
            Machine.Outb(SlaveData, 0x01);
            s_mask = 0xFFFF & ~(1 << CascadeLine);
            WriteMask();
        }

        public static void Unmask(int line)
        {
            s_mask &= (ushort)~(1 << line);
            WriteMask();
        }

        private static void WriteMask()
        {
            Machine.Outb(MasterData, (byte)s_mask);
            Machine.Outb(SlaveData, (byte)(s_mask >> 8));
        }

        // IRQ 7 and 15 also arrive when a line drops before the CPU acknowledges it: the in-service bit tells.
        public static bool IsSpurious(int line)
        {
            if (line != 7 && line != 15)
                return false;
            ushort port = line == 7 ? MasterCommand : SlaveCommand;
            Machine.Outb(port, ReadInService);
            bool spurious = (Machine.Inb(port) & 0x80) == 0;
            if (spurious && line == 15)
                Machine.Outb(MasterCommand, EndOfInterrupt);   // the master did see the cascade line
            return spurious;
        }

        public static void EndOfInterruptFor(int line)
        {
            if (line >= 8)
                Machine.Outb(SlaveCommand, EndOfInterrupt);
            Machine.Outb(MasterCommand, EndOfInterrupt);
        }
    }
}
