// bcl_text: StringBuilder, interpolation with alignment and format strings, the string methods people reach
// for, and UTF-8.
using System;
using System.Text;

namespace BuddyOS.Kernel.SelfTest.Bcl
{
    internal static class TextTests
    {
        public static void Text(TestContext t)
        {
            var sb = new StringBuilder(4);
            for (int i = 0; i < 1000; i++)
                sb.Append(i % 10);
            t.Equal(1000, (ulong)sb.Length, "StringBuilder length after 1000 appends (grown from 4)");
            sb.Clear().Append("x=").Append(42).Append(", y=").Append(-1.25).AppendLine().Insert(0, '[');
            t.Equal("[x=42, y=-1.25\n", sb.ToString(), "StringBuilder Append/Insert/AppendLine");

            int n = 42;
            long big = -9_000_000_000L;
            double pi = Math.PI;
            t.Equal("n=42 big=-9000000000", $"n={n} big={big}", "interpolation of int and long");
            t.Equal("pi=3.14 pi=3.141593 e=2.718281828459045", $"pi={pi:F2} pi={pi:F6} e={Math.E}", "interpolation of double with format strings");
            t.Equal("[   42|42   |0x002A|2a]", $"[{n,5}|{n,-5}|0x{n:X4}|{n:x}]", "alignment and hex");
            t.Equal("1,234,567.89", 1234567.891.ToString("N2"), "N2 format (invariant culture)");
            t.Equal("12.5 %", 0.125.ToString("P1"), "P1 format (the invariant culture puts a space before %)");
            t.Equal("2026-12-05", new DateTime(2026, 12, 5).ToString("yyyy-MM-dd"), "DateTime custom format");

            string csv = "  alpha, beta ,gamma,,delta  ";
            string[] parts = csv.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            t.Equal("alpha|beta|gamma|delta", string.Join("|", parts), "Split with TrimEntries and RemoveEmptyEntries");
            t.Equal("ALPHA, BETA ,GAMMA,,DELTA", csv.Trim().ToUpperInvariant(), "Trim and ToUpperInvariant");
            t.Equal("a-b-c", "a b c".Replace(' ', '-'), "Replace(char)");
            t.Equal("the dog sat", "the cat sat".Replace("cat", "dog"), "Replace(string)");
            t.Equal(6, (ulong)"hello world".IndexOf("world", StringComparison.Ordinal), "IndexOf");
            t.Check("Kernel".StartsWith("Ker") && "Kernel".EndsWith("nel") && "Kernel".Contains("rne"), "StartsWith/EndsWith/Contains");
            t.Equal("00042", n.ToString("D5"), "PadLeft through D5");
            t.Equal("ab***", "ab".PadRight(5, '*'), "PadRight");

            string text = "Grüße, мир, 世界 ✓";
            byte[] utf8 = Encoding.UTF8.GetBytes(text);
            t.Equal(27, (ulong)utf8.Length, "UTF-8 byte count of a mixed-script string");
            t.Equal(text, Encoding.UTF8.GetString(utf8), "UTF-8 round trip");
            byte[] broken = { 0x41, 0xC3, 0x28, 0x42 };
            t.Equal("A\uFFFD(B", Encoding.UTF8.GetString(broken), "invalid UTF-8 decodes to U+FFFD");

            bool badFormat = false;
            try
            {
                GC.KeepAlive(string.Format("{0} {1}", "only one"));
            }
            catch (FormatException)
            {
                badFormat = true;
            }
            t.Check(badFormat, "string.Format with a missing argument did not throw FormatException");
            bool badRange = false;
            try
            {
                GC.KeepAlive("abc".Substring(2, 5));
            }
            catch (ArgumentOutOfRangeException)
            {
                badRange = true;
            }
            t.Check(badRange, "Substring past the end did not throw ArgumentOutOfRangeException");
        }
    }
}
