// COM1 at 115200 baud, 8 data bits, no parity, 1 stop bit. Output is polled: wait for the transmit holding
// register to empty, then write. '\n' goes out as "\r\n" for terminals. Input arrives on IRQ 4 (once
// Interrupts/Irq.cs enables it): the handler moves received bytes into a fixed ring for Console to read.
namespace BuddyOS.Kernel.Drivers
{
    internal static class Serial
    {
        private const ushort Com1 = 0x3F8;
        private const ushort Data = Com1 + 0;
        private const ushort InterruptEnable = Com1 + 1;
        private const ushort FifoControl = Com1 + 2;
        private const ushort LineControl = Com1 + 3;
        private const ushort ModemControl = Com1 + 4;
        private const ushort LineStatus = Com1 + 5;
        private const byte TransmitEmpty = 0x20;
        private const byte DataReady = 0x01;

        private static bool s_ready;
        private static InputRing s_received;

        public static ulong Dropped => s_received.Dropped;

        // Received-data interrupts on; OUT2 gates the UART's interrupt line to the PIC.
        public static void EnableReceiveInterrupt()
        {
            if (!s_ready)
                return;
            // Stale input from before the kernel; bounded, as a missing UART reads 0xFF ("data ready") forever.
            for (int i = 0; i < 64 && (Machine.Inb(LineStatus) & DataReady) != 0; i++)
                Machine.Inb(Data);
            Machine.Outb(ModemControl, 0x0B);  // DTR | RTS | OUT2
            Machine.Outb(InterruptEnable, 0x01);
        }

        public static void OnReceiveInterrupt()
        {
            for (int i = 0; i < 16 && (Machine.Inb(LineStatus) & DataReady) != 0; i++)
                s_received.Put(Machine.Inb(Data));
        }

        // Caller holds interrupts off.
        public static bool TryTake(out byte value) => s_received.TryTake(out value);

        public static void Initialize()
        {
            Machine.Outb(InterruptEnable, 0x00);   // no UART interrupts until EnableReceiveInterrupt
            Machine.Outb(LineControl, 0x80);       // DLAB on: next two ports are the divisor
            Machine.Outb(Data, 0x01);              // divisor 1 = 115200 baud
            Machine.Outb(InterruptEnable, 0x00);
            Machine.Outb(LineControl, 0x03);       // DLAB off, 8N1
            Machine.Outb(FifoControl, 0x07);       // FIFOs on and cleared, receive interrupt at every byte
            Machine.Outb(ModemControl, 0x03);      // DTR | RTS
            s_ready = true;
        }

        public static void Write(char c)
        {
            if (!s_ready)
                return;
            if (c == '\n')
                WriteRaw('\r');
            WriteRaw(c);
        }

        // A character as the host's terminal expects it: UTF-8 (a lone surrogate half is sent as '?').
        private static void WriteRaw(char c)
        {
            if (c < 0x80)
                WriteByte((byte)c);
            else if (c < 0x800)
            {
                WriteByte((byte)(0xC0 | (c >> 6)));
                WriteByte((byte)(0x80 | (c & 0x3F)));
            }
            else if (char.IsSurrogate(c))
                WriteByte((byte)'?');
            else
            {
                WriteByte((byte)(0xE0 | (c >> 12)));
                WriteByte((byte)(0x80 | ((c >> 6) & 0x3F)));
                WriteByte((byte)(0x80 | (c & 0x3F)));
            }
        }

        private static void WriteByte(byte b)
        {
            // Bounded wait: a missing UART (some real machines) must not hang the kernel.
            for (int spins = 0; spins < 100000 && (Machine.Inb(LineStatus) & TransmitEmpty) == 0; spins++) { }
            Machine.Outb(Data, b);
        }
    }
}
