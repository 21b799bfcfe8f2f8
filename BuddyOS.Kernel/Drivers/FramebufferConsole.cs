// A text console on a linear framebuffer (what GRUB sets up under UEFI, from the multiboot2 framebuffer tag):
// a Terminal/TextGrid of cells, each drawn as a glyph of the embedded PSF font (Boot/console.asm) in the VGA
// palette's colours. After every character the grid says what changed: the cells are redrawn, and a scroll
// moves the pixels up by one text row. The cursor is drawn inverted while input is awaited.
using System.Runtime;
using System.Runtime.CompilerServices;
using BuddyOS.Kernel.Terminal;

namespace BuddyOS.Kernel.Drivers
{
    internal static unsafe class FramebufferConsole
    {
        public const int MaxColumns = 256, MaxRows = 128;   // Boot/console.asm's CONSOLE_MAX_CELLS
        private const ulong IdentityMapped = 4UL << 30;     // what Boot/boot.asm maps

        [RuntimeImport("BuddyOS_ConsoleFont")]
        [MethodImpl(MethodImplOptions.InternalCall)]
        private static extern byte* FontData();

        [RuntimeImport("BuddyOS_ConsoleFontSize")]
        [MethodImpl(MethodImplOptions.InternalCall)]
        private static extern int FontSize();

        [RuntimeImport("BuddyOS_ConsoleCells")]
        [MethodImpl(MethodImplOptions.InternalCall)]
        private static extern ushort* CellStorage();

        private static FramebufferInfo s_fb;
        private static byte* s_pixels;
        private static int s_bytesPerPixel;
        private static PsfFont s_font;
        private static TextGrid s_grid;
        private static int s_cursorCell = -1;   // the cell drawn inverted, -1 for none

        public static int Columns => s_grid.Columns;
        public static int Rows => s_grid.Rows;
        public static PsfFont Font => s_font;

        // Why a framebuffer gets no console. A code, not a string: this runs before the static bases (where a
        // string static would live) exist.
        public enum Problem : byte { None, NotDirectColour, Depth, AboveMapped, Font, TooSmall }

        public static string Describe(Problem problem) => problem switch
        {
            Problem.NotDirectColour => "not a direct-colour framebuffer",
            Problem.Depth => "unsupported bits per pixel",
            Problem.AboveMapped => "framebuffer above the 4 GiB the boot page tables map",
            Problem.Font => "the embedded font is not a PSF font",
            Problem.TooSmall => "framebuffer smaller than one glyph",
            _ => "none",
        };

        public static Problem Initialize(FramebufferInfo fb)
        {
            if (fb.Type != FramebufferInfo.Rgb)
                return Problem.NotDirectColour;
            if (fb.BitsPerPixel != 32 && fb.BitsPerPixel != 24 && fb.BitsPerPixel != 16)
                return Problem.Depth;
            if (fb.Address + (ulong)fb.Pitch * fb.Height > IdentityMapped)
                return Problem.AboveMapped;
            if ((object)PsfFont.Load(FontData(), FontSize(), out s_font) != null)
                return Problem.Font;
            s_fb = fb;
            s_pixels = (byte*)fb.Address;
            s_bytesPerPixel = fb.BitsPerPixel / 8;
            int columns = (int)fb.Width / s_font.Width, rows = (int)fb.Height / s_font.Height;
            if (columns > MaxColumns) columns = MaxColumns;
            if (rows > MaxRows) rows = MaxRows;
            if (columns < 1 || rows < 1)
                return Problem.TooSmall;
            s_grid = new TextGrid(CellStorage(), columns, rows, VgaText.LightGrey);
            // The whole frame once (GRUB's leftovers, the strip below the last row), then the grid.
            uint black = Colour(0);
            for (uint y = 0; y < fb.Height; y++)
                for (uint x = 0; x < fb.Width; x++)
                    PutPixel(s_pixels + y * fb.Pitch + x * (uint)s_bytesPerPixel, black);
            s_grid.Clear();
            s_grid.TakeChanges(out _, out _, out _);
            return Problem.None;
        }

        public static void SetColor(byte attribute) => s_grid.Attribute = attribute;

        public static void Write(char c)
        {
            if (s_cursorCell >= 0)
            {
                int cell = s_cursorCell;
                s_cursorCell = -1;
                DrawCell(cell, false);
            }
            s_grid.Write(c);
            if (!s_grid.TakeChanges(out int first, out int last, out int scrolled))
                return;
            if (scrolled > 0)
                ScrollPixels(scrolled);
            for (int i = first; i <= last; i++)
                DrawCell(i, false);
        }

        public static void UpdateCursor()
        {
            int cell = s_grid.Row * s_grid.Columns + s_grid.Column;
            if (cell == s_cursorCell)
                return;
            if (s_cursorCell >= 0)
                DrawCell(s_cursorCell, false);
            s_cursorCell = cell;
            DrawCell(cell, true);
        }

        private static void DrawCell(int index, bool inverted)
        {
            int row = index / s_grid.Columns, column = index % s_grid.Columns;
            ushort cell = s_grid.Cell(row, column);
            uint fg = Colour((cell >> 8) & 0x0F), bg = Colour((cell >> 12) & 0x0F);
            if (inverted)
            {
                uint t = fg;
                fg = bg;
                bg = t;
            }
            int glyph = s_font.GlyphIndex((char)(cell & 0xFF));
            int width = s_font.Width, height = s_font.Height;
            byte* origin = s_pixels + (uint)(row * height) * s_fb.Pitch + (uint)(column * width * s_bytesPerPixel);
            for (int y = 0; y < height; y++)
            {
                byte* bits = s_font.GlyphRow(glyph, y);
                byte* line = origin + (uint)y * s_fb.Pitch;
                if (s_bytesPerPixel == 4)
                {
                    uint* p = (uint*)line;
                    for (int x = 0; x < width; x++)
                        p[x] = (bits[x >> 3] & (0x80 >> (x & 7))) != 0 ? fg : bg;
                }
                else
                {
                    for (int x = 0; x < width; x++)
                        PutPixel(line + x * s_bytesPerPixel, (bits[x >> 3] & (0x80 >> (x & 7))) != 0 ? fg : bg);
                }
            }
        }

        // The text rows moved up on screen as they moved in the grid; the grid's changes then redraw the new rows.
        private static void ScrollPixels(int rows)
        {
            ulong rowBytes = (ulong)s_fb.Pitch * (ulong)s_font.Height;
            ulong shift = rowBytes * (ulong)rows;
            ulong total = rowBytes * (ulong)s_grid.Rows;
            if (shift >= total)
                return;
            ulong* to = (ulong*)s_pixels, from = (ulong*)(s_pixels + shift);
            ulong words = (total - shift) / 8;
            for (ulong i = 0; i < words; i++)
                to[i] = from[i];
        }

        private static void PutPixel(byte* p, uint value)
        {
            if (s_bytesPerPixel == 4)
                *(uint*)p = value;
            else if (s_bytesPerPixel == 3)
            {
                p[0] = (byte)value;
                p[1] = (byte)(value >> 8);
                p[2] = (byte)(value >> 16);
            }
            else
                *(ushort*)p = (ushort)value;
        }

        // A VGA palette entry as this framebuffer's pixel value.
        private static uint Colour(int vga)
        {
            uint rgb = vga switch
            {
                0 => 0x000000u, 1 => 0x0000AAu, 2 => 0x00AA00u, 3 => 0x00AAAAu,
                4 => 0xAA0000u, 5 => 0xAA00AAu, 6 => 0xAA5500u, 7 => 0xAAAAAAu,
                8 => 0x555555u, 9 => 0x5555FFu, 10 => 0x55FF55u, 11 => 0x55FFFFu,
                12 => 0xFF5555u, 13 => 0xFF55FFu, 14 => 0xFFFF55u, _ => 0xFFFFFFu,
            };
            return Channel(rgb >> 16, s_fb.RedShift, s_fb.RedBits) | Channel((rgb >> 8) & 0xFF, s_fb.GreenShift, s_fb.GreenBits) |
                Channel(rgb & 0xFF, s_fb.BlueShift, s_fb.BlueBits);
        }

        private static uint Channel(uint value, byte shift, byte bits) => bits == 0 ? 0 : (value >> (8 - bits)) << shift;
    }
}
