using System.IO.Compression;
using System.Text;
using BuddyOS.Kernel.Terminal;

namespace BuddyOS.Tests.Kernel;

/// <summary>
/// A screenshot (QEMU's screendump, a binary PPM) read back as text: each cell of the framebuffer console's grid is
/// matched, pixel for pixel, against the glyphs of the kernel's own font (out/console-font.psf) in either polarity
/// (the cursor is drawn inverted). A cell no glyph matches reads as '\0'. Also writes the picture as a PNG.
/// </summary>
public sealed class ScreenImage
{
    public int Width { get; }
    public int Height { get; }
    private readonly byte[] _rgb;

    private ScreenImage(int width, int height, byte[] rgb)
    {
        Width = width;
        Height = height;
        _rgb = rgb;
    }

    public static ScreenImage ReadPpm(string path)
    {
        var bytes = File.ReadAllBytes(path);
        int at = 0;
        string Token()
        {
            while (char.IsWhiteSpace((char)bytes[at])) at++;
            int start = at;
            while (!char.IsWhiteSpace((char)bytes[at])) at++;
            return Encoding.ASCII.GetString(bytes, start, at - start);
        }
        if (Token() != "P6") throw new InvalidDataException($"{path}: not a binary PPM");
        int width = int.Parse(Token()), height = int.Parse(Token());
        if (Token() != "255") throw new InvalidDataException($"{path}: not 8 bits per channel");
        at++;   // the one whitespace byte before the pixels
        return new ScreenImage(width, height, bytes[at..(at + width * height * 3)]);
    }

    private int Pixel(int x, int y)
    {
        int i = (y * Width + x) * 3;
        return _rgb[i] << 16 | _rgb[i + 1] << 8 | _rgb[i + 2];
    }

    /// <summary>How many distinct colours the picture has (a blank frame has one).</summary>
    public int Colours()
    {
        var seen = new HashSet<int>();
        for (int y = 0; y < Height; y++)
            for (int x = 0; x < Width; x++)
                seen.Add(Pixel(x, y));
        return seen.Count;
    }

    /// <summary>The text rows of the picture, read with <paramref name="fontPath"/>, trailing spaces trimmed.</summary>
    public unsafe string[] ReadText(string fontPath)
    {
        var fontBytes = File.ReadAllBytes(fontPath);
        fixed (byte* data = fontBytes)
        {
            var error = PsfFont.Load(data, fontBytes.Length, out var font);
            if (error != null) throw new InvalidDataException($"{fontPath}: {error}");
            // Each printable ASCII character's glyph as a bit string, for lookup by pattern.
            var glyphs = new Dictionary<string, char>();
            for (char c = ' '; c < (char)127; c++)
            {
                int g = font.GlyphIndex(c);
                var bits = new StringBuilder();
                for (int y = 0; y < font.Height; y++)
                    for (int x = 0; x < font.Width; x++)
                        bits.Append(font.Pixel(g, x, y) ? '1' : '0');
                glyphs.TryAdd(bits.ToString(), c);
            }
            int columns = Width / font.Width, rows = Height / font.Height;
            var lines = new string[rows];
            for (int row = 0; row < rows; row++)
            {
                var line = new char[columns];
                for (int column = 0; column < columns; column++)
                    line[column] = ReadCell(font.Width, font.Height, column * font.Width, row * font.Height, glyphs);
                lines[row] = new string(line).TrimEnd(' ');
            }
            return lines;
        }
    }

    private char ReadCell(int width, int height, int left, int top, Dictionary<string, char> glyphs)
    {
        var colours = new List<int>();
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                if (!colours.Contains(Pixel(left + x, top + y)))
                    colours.Add(Pixel(left + x, top + y));
        if (colours.Count == 1)
            return ' ';
        if (colours.Count > 2)
            return '\0';
        foreach (var ink in colours)   // either colour may be the foreground (the cursor cell is inverted)
        {
            var bits = new StringBuilder(width * height);
            for (int y = 0; y < height; y++)
                for (int x = 0; x < width; x++)
                    bits.Append(Pixel(left + x, top + y) == ink ? '1' : '0');
            if (glyphs.TryGetValue(bits.ToString(), out var c))
                return c;
        }
        return '\0';
    }

    /// <summary>The picture as a PNG (8-bit RGB, one IDAT, zlib from the BCL).</summary>
    public void WritePng(string path)
    {
        using var raw = new MemoryStream();
        for (int y = 0; y < Height; y++)
        {
            raw.WriteByte(0);   // filter: none
            raw.Write(_rgb, y * Width * 3, Width * 3);
        }
        using var compressed = new MemoryStream();
        using (var z = new ZLibStream(compressed, CompressionLevel.SmallestSize, leaveOpen: true))
            raw.WriteTo(z);
        using var png = File.Create(path);
        png.Write(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A });
        var header = new byte[13];
        WriteBigEndian(header, 0, (uint)Width);
        WriteBigEndian(header, 4, (uint)Height);
        header[8] = 8;   // bits per channel
        header[9] = 2;   // colour type: RGB
        Chunk(png, "IHDR", header);
        Chunk(png, "IDAT", compressed.ToArray());
        Chunk(png, "IEND", Array.Empty<byte>());
    }

    private static void Chunk(Stream png, string type, byte[] data)
    {
        var length = new byte[4];
        WriteBigEndian(length, 0, (uint)data.Length);
        png.Write(length);
        var typeAndData = Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        png.Write(typeAndData);
        var crc = new byte[4];
        WriteBigEndian(crc, 0, Crc32(typeAndData));
        png.Write(crc);
    }

    private static void WriteBigEndian(byte[] b, int at, uint v)
    {
        b[at] = (byte)(v >> 24);
        b[at + 1] = (byte)(v >> 16);
        b[at + 2] = (byte)(v >> 8);
        b[at + 3] = (byte)v;
    }

    // The CRC-32 PNG chunks carry (polynomial 0xEDB88320, reflected).
    private static uint Crc32(byte[] data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (var b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++)
                crc = (crc & 1) != 0 ? 0xEDB88320 ^ (crc >> 1) : crc >> 1;
        }
        return ~crc;
    }
}
