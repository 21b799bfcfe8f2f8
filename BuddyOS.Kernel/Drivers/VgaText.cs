// 80x25 VGA text mode at 0xB8000: one (character, attribute) pair per cell, which is Terminal/TextGrid's own
// cell format, so the grid writes the hardware buffer directly (scrolling, \b, the VT100 subset included).
// Under UEFI there is no text mode: Drivers/Screen.cs then uses the framebuffer console instead.
using BuddyOS.Kernel.Terminal;

namespace BuddyOS.Kernel.Drivers
{
    internal static unsafe class VgaText
    {
        public const int Columns = 80;
        public const int Rows = 25;
        private static ushort* Buffer => (ushort*)0xB8000;

        public const byte LightGrey = 0x07;
        public const byte Green = 0x0A;
        public const byte Red = 0x0C;
        public const byte Yellow = 0x0E;
        public const byte WhiteOnRed = 0x4F;

        private static TextGrid s_grid;

        public static void Initialize()
        {
            s_grid = new TextGrid(Buffer, Columns, Rows, LightGrey);
            s_grid.Clear();
        }

        public static void SetColor(byte attribute) => s_grid.Attribute = attribute;

        public static void Write(char c)
        {
            if (s_grid.IsReady)
                s_grid.Write(c);
        }

        // The blinking hardware cursor to where the next character goes (CRTC registers 0x0E/0x0F):
        // set when waiting for input, not per character, to keep boot output fast.
        public static void UpdateCursor()
        {
            int position = s_grid.Row * Columns + s_grid.Column;
            Machine.Outb(0x3D4, 0x0F);
            Machine.Outb(0x3D5, (byte)position);
            Machine.Outb(0x3D4, 0x0E);
            Machine.Outb(0x3D5, (byte)(position >> 8));
        }
    }
}
