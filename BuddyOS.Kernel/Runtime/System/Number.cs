// Integer to text. Every result is a new string on the kernel heap (the strings self-test frees them).
namespace System
{
    internal static unsafe class Number
    {
        public static string Format(long value)
        {
            if (value >= 0)
                return Format((ulong)value);
            // -(long.MinValue) overflows; negate in unsigned arithmetic instead.
            return FormatDigits(unchecked((ulong)(-(value + 1)) + 1), negative: true);
        }

        public static string Format(ulong value) => FormatDigits(value, negative: false);

        private static string FormatDigits(ulong value, bool negative)
        {
            char* buffer = stackalloc char[21];
            int pos = 21;
            do
            {
                buffer[--pos] = (char)('0' + (int)(value % 10));
                value /= 10;
            } while (value != 0);
            if (negative)
                buffer[--pos] = '-';
            return string.FromChars(buffer + pos, 21 - pos);
        }

        // Fixed-width upper-case hex with "0x", e.g. Hex(0xB8000, 8) -> "0x000B8000".
        public static string Hex(ulong value, int digits)
        {
            char* buffer = stackalloc char[18];
            if (digits < 1) digits = 1;
            if (digits > 16) digits = 16;
            buffer[0] = '0';
            buffer[1] = 'x';
            for (int i = digits - 1; i >= 0; i--)
            {
                int nibble = (int)(value & 0xF);
                buffer[2 + i] = (char)(nibble < 10 ? '0' + nibble : 'A' + nibble - 10);
                value >>= 4;
            }
            return string.FromChars(buffer, digits + 2);
        }
    }
}
