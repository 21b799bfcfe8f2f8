// A PC Screen Font (the Linux console's bitmap font format), read in place: PSF1 (magic 36 04: 8 pixels wide,
// 256 or 512 glyphs) and PSF2 (magic 72 B5 4A 86: any width). Each glyph is `height` rows of ceil(width / 8)
// bytes, most significant bit leftmost. The font's Unicode table (PSF1: little-endian UCS-2 per glyph, FFFF
// ends a glyph's list, FFFE starts a sequence; PSF2: UTF-8, FF and FE likewise) maps characters to glyphs;
// without one, glyph n draws character n. Only ASCII is looked up. Pure: no I/O, no statics.
namespace BuddyOS.Kernel.Terminal
{
    internal unsafe struct PsfFont
    {
        public const int NoGlyph = 0xFFFF;

        private byte* _glyphData;
        private int _glyphCount, _width, _height, _bytesPerRow, _bytesPerGlyph;
        private fixed ushort _ascii[128];

        public int Width => _width;
        public int Height => _height;
        public int GlyphCount => _glyphCount;
        public int BytesPerRow => _bytesPerRow;
        public bool IsLoaded => _glyphData != null;

        // null when the bytes are a font, else what is wrong with them.
        public static string Load(byte* data, int length, out PsfFont font)
        {
            font = default;
            if (data == null || length < 4)
                return "no font data";
            byte* table;
            byte* end = data + length;
            bool utf8;
            if (data[0] == 0x36 && data[1] == 0x04)
            {
                byte mode = data[2];
                font._glyphCount = (mode & 0x01) != 0 ? 512 : 256;
                font._height = data[3];
                font._width = 8;
                font._bytesPerRow = 1;
                font._bytesPerGlyph = font._height;
                font._glyphData = data + 4;
                table = (mode & 0x06) != 0 ? font._glyphData + font._glyphCount * font._bytesPerGlyph : null;
                utf8 = false;
            }
            else if (length >= 32 && data[0] == 0x72 && data[1] == 0xB5 && data[2] == 0x4A && data[3] == 0x86)
            {
                uint headerSize = *(uint*)(data + 8), flags = *(uint*)(data + 12);
                font._glyphCount = (int)*(uint*)(data + 16);
                font._bytesPerGlyph = (int)*(uint*)(data + 20);
                font._height = (int)*(uint*)(data + 24);
                font._width = (int)*(uint*)(data + 28);
                font._bytesPerRow = (font._width + 7) / 8;
                if (headerSize < 32 || headerSize > (uint)length || font._bytesPerGlyph != font._bytesPerRow * font._height)
                    return "PSF2 header does not describe its glyphs";
                font._glyphData = data + headerSize;
                table = (flags & 1) != 0 ? font._glyphData + font._glyphCount * font._bytesPerGlyph : null;
                utf8 = true;
            }
            else
                return "not a PSF1 or PSF2 font (bad magic)";
            if (font._height == 0 || font._width == 0 || font._width > 32 || font._glyphCount == 0)
                return "font has no glyph size";
            if (font._glyphData + (long)font._glyphCount * font._bytesPerGlyph > end)
                return "font is shorter than its glyphs";
            for (int c = 0; c < 128; c++)
                font._ascii[c] = table == null && c < font._glyphCount ? (ushort)c : (ushort)NoGlyph;
            if (table != null)
                font.ReadUnicodeTable(table, end, utf8);
            return null;
        }

        private void ReadUnicodeTable(byte* p, byte* end, bool utf8)
        {
            int glyph = 0;
            bool inSequence = false;   // characters after FE/FFFE combine: not single characters
            while (p < end && glyph < _glyphCount)
            {
                int value;
                if (utf8)
                {
                    byte b = *p++;
                    if (b == 0xFF) { glyph++; inSequence = false; continue; }
                    if (b == 0xFE) { inSequence = true; continue; }
                    value = b;
                    int extra = b >= 0xF0 ? 3 : b >= 0xE0 ? 2 : b >= 0xC0 ? 1 : 0;
                    if (extra > 0)
                        value = b & (0x3F >> extra);
                    for (int i = 0; i < extra && p < end; i++)
                        value = (value << 6) | (*p++ & 0x3F);
                }
                else
                {
                    if (p + 2 > end)
                        break;
                    value = p[0] | (p[1] << 8);
                    p += 2;
                    if (value == 0xFFFF) { glyph++; inSequence = false; continue; }
                    if (value == 0xFFFE) { inSequence = true; continue; }
                }
                if (!inSequence && value < 128 && _ascii[value] == NoGlyph)
                    _ascii[value] = (ushort)glyph;
            }
        }

        // The glyph that draws `c`: its own, else '?', else glyph 0.
        public int GlyphIndex(char c)
        {
            int g = c < (char)128 ? _ascii[c] : NoGlyph;
            if (g == NoGlyph)
                g = _ascii['?'];
            return g == NoGlyph ? 0 : g;
        }

        // Row `row` of glyph `glyph`: BytesPerRow bytes, the leftmost pixel in the top bit of the first.
        public byte* GlyphRow(int glyph, int row) => _glyphData + glyph * _bytesPerGlyph + row * _bytesPerRow;

        public bool Pixel(int glyph, int x, int y) => (GlyphRow(glyph, y)[x >> 3] & (0x80 >> (x & 7))) != 0;
    }
}
