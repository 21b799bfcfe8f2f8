// 80x25 VGA text mode at 0xB8000: one (character, attribute) pair per cell, scrolls at the bottom.
// Under UEFI there may be no text mode; writes then land in ordinary memory and do no harm.
namespace BuddyOS.Kernel.Drivers
{
    internal static unsafe class VgaText
    {
        private const int Columns = 80;
        private const int Rows = 25;
        private static ushort* Buffer => (ushort*)0xB8000;

        public const byte LightGrey = 0x07;
        public const byte Green = 0x0A;
        public const byte Red = 0x0C;
        public const byte Yellow = 0x0E;
        public const byte WhiteOnRed = 0x4F;

        private static int s_row;
        private static int s_column;
        private static byte s_attribute = LightGrey;

        public static void SetColor(byte attribute) => s_attribute = attribute;

        public static void Clear()
        {
            for (int i = 0; i < Columns * Rows; i++)
                Buffer[i] = (ushort)(' ' | (LightGrey << 8));
            s_row = 0;
            s_column = 0;
        }

        public static void Write(char c)
        {
            if (c == '\n')
            {
                NewLine();
                return;
            }
            if (c == '\r')
            {
                s_column = 0;
                return;
            }
            if (c == '\b')
            {
                if (s_column > 0)
                    s_column--;
                return;
            }
            Buffer[s_row * Columns + s_column] = (ushort)((c < 128 ? c : '?') | (s_attribute << 8));
            if (++s_column == Columns)
                NewLine();
        }

        // The blinking hardware cursor to where the next character goes (CRTC registers 0x0E/0x0F):
        // set when waiting for input, not per character, to keep boot output fast.
        public static void UpdateCursor()
        {
            int position = s_row * Columns + s_column;
            Machine.Outb(0x3D4, 0x0F);
            Machine.Outb(0x3D5, (byte)position);
            Machine.Outb(0x3D4, 0x0E);
            Machine.Outb(0x3D5, (byte)(position >> 8));
        }

        private static void NewLine()
        {
            s_column = 0;
            if (++s_row < Rows)
                return;
            for (int i = 0; i < Columns * (Rows - 1); i++)
                Buffer[i] = Buffer[i + Columns];
            for (int i = Columns * (Rows - 1); i < Columns * Rows; i++)
                Buffer[i] = (ushort)(' ' | (LightGrey << 8));
            s_row = Rows - 1;
        }
    }
}
