// The console device: text out to the screen (Drivers/Screen.cs: VGA text or the framebuffer console) and COM1,
// keys in from the PS/2 keyboard and COM1 (ConsoleDevice.Input.cs, with the shell's line editor). Programs use
// System.Console, whose platform layer (Runtime/Platform/ConsoleIO.cs) writes and reads here. The kernel writes
// here directly where System.Console cannot serve, because nothing here allocates: before CoreLib's start-up,
// in the panic path (the heap may be what failed), and where printing must not change what it prints (the
// shell's heap pictures); and for the shell's own prompt and line editor.
using BuddyOS.Kernel.Drivers;

namespace BuddyOS.Kernel
{
    internal static partial class ConsoleDevice
    {
        private static Terminal.RowText s_row;   // the current row's text: ReadLine's prompt

        public static void Write(char c)
        {
            Screen.Write(c);
            Serial.Write(c);
            s_row.Write(c);
        }

        // Clears the screen and the terminal on COM1 (ESC [ H ESC [ 2 J: both understand it).
        public static void Clear() => Write("\x1b[H\x1b[2J");

        public static void Write(string text)
        {
            if ((object)text == null)
            {
                Write("(null)");
                return;
            }
            for (int i = 0; i < text.Length; i++)
                Write(text[i]);
        }

        public static void WriteLine(string text)
        {
            Write(text);
            Write('\n');
        }

        public static void WriteLine() => Write('\n');

        public static void SetColor(byte vgaAttribute) => Screen.SetColor(vgaAttribute);

        public static void ResetColor() => Screen.SetColor(VgaText.LightGrey);

        public static void WriteDecimal(ulong value)
        {
            // Digits into a small stack buffer, most significant first.
            unsafe
            {
                char* digits = stackalloc char[20];
                int count = 0;
                do
                {
                    digits[count++] = (char)('0' + (int)(value % 10));
                    value /= 10;
                } while (value != 0);
                while (count > 0)
                    Write(digits[--count]);
            }
        }

        public static void WriteDecimal(long value)
        {
            if (value < 0)
            {
                Write('-');
                WriteDecimal(unchecked((ulong)(-(value + 1)) + 1));
                return;
            }
            WriteDecimal((ulong)value);
        }

        // numerator / denominator as x.yy, without floating point (a zero denominator counts as 1).
        public static void WriteFraction(ulong numerator, ulong denominator)
        {
            ulong hundredths = numerator * 100 / (denominator == 0 ? 1 : denominator);
            WriteDecimal(hundredths / 100);
            Write('.');
            Write((char)('0' + (int)(hundredths / 10 % 10)));
            Write((char)('0' + (int)(hundredths % 10)));
        }

        public static void WriteHex(ulong value, int digits = 16)
        {
            Write("0x");
            for (int i = digits - 1; i >= 0; i--)
            {
                int nibble = (int)((value >> (i * 4)) & 0xF);
                Write((char)(nibble < 10 ? '0' + nibble : 'A' + nibble - 10));
            }
        }
    }
}
