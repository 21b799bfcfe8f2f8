// The CMOS real-time clock (MC146818: ports 0x70/0x71), read once at boot for DateTime.UtcNow. Registers:
// 0 seconds, 2 minutes, 4 hours, 7 day, 8 month, 9 year (two digits), 0x32 century (ACPI's usual place; QEMU,
// VMware and most PCs keep it there), 0x0A status A (bit 7: update in progress), 0x0B status B (bit 2: binary,
// not BCD; bit 1: 24-hour). The clock is assumed to run in UTC, as QEMU's does by default.
namespace BuddyOS.Kernel.Drivers
{
    internal static class Rtc
    {
        private const ushort Index = 0x70, Data = 0x71;

        public struct Time
        {
            public int Year, Month, Day, Hour, Minute, Second;
        }

        // Reads until two consecutive readings agree (an update may land between the registers).
        public static Time Read()
        {
            Time last = ReadOnce();
            for (int tries = 0; tries < 8; tries++)
            {
                Time now = ReadOnce();
                if (now.Second == last.Second && now.Minute == last.Minute && now.Hour == last.Hour
                    && now.Day == last.Day && now.Month == last.Month && now.Year == last.Year)
                    return now;
                last = now;
            }
            return last;
        }

        private static Time ReadOnce()
        {
            for (int spins = 0; spins < 100000 && (ReadRegister(0x0A) & 0x80) != 0; spins++)
            {
            }
            byte statusB = ReadRegister(0x0B);
            bool binary = (statusB & 0x04) != 0, hours24 = (statusB & 0x02) != 0;
            Time t;
            t.Second = Decode(ReadRegister(0x00), binary);
            t.Minute = Decode(ReadRegister(0x02), binary);
            byte hour = ReadRegister(0x04);
            bool pm = (hour & 0x80) != 0;
            t.Hour = Decode((byte)(hour & 0x7F), binary);
            if (!hours24)
                t.Hour = t.Hour % 12 + (pm ? 12 : 0);
            t.Day = Decode(ReadRegister(0x07), binary);
            t.Month = Decode(ReadRegister(0x08), binary);
            int century = Decode(ReadRegister(0x32), binary);
            t.Year = (century >= 19 && century <= 30 ? century : 20) * 100 + Decode(ReadRegister(0x09), binary);
            return t;
        }

        private static byte ReadRegister(byte register)
        {
            Machine.Outb(Index, (byte)(0x80 | register));   // bit 7 keeps NMIs disabled while we read
            return Machine.Inb(Data);
        }

        private static int Decode(byte value, bool binary) => binary ? value : (value >> 4) * 10 + (value & 0x0F);
    }
}
