// Console input: the PS/2 keyboard and COM1 feed one stream of keys, so the shell answers the VGA keyboard
// and `-serial stdio` alike. Interrupt handlers fill the drivers' rings; this side drains them with
// interrupts briefly off, and halts (sti; hlt) while both are empty.
using BuddyOS.Kernel.Drivers;
using BuddyOS.Kernel.Interrupts;

namespace BuddyOS.Kernel
{
    internal static unsafe partial class Console
    {
        public const int MaxLineLength = 200;

        private static bool s_lastWasCarriageReturn;   // "\r\n" from a terminal is one Enter
        private static int s_escapeBytes;              // bytes left of a terminal escape sequence (arrows): ignored

        // Blocks until a key arrives from either device. Interrupts must be initialised (Irq.Initialize).
        public static ConsoleKeyInfo ReadKey()
        {
            VgaText.UpdateCursor();
            while (true)
            {
                Irq.Disable();
                if (TryTakeKey(out ConsoleKeyInfo key))
                {
                    Irq.Enable();
                    return key;
                }
                Irq.WaitForInterrupt();   // returns with interrupts on
            }
        }

        // Echoes what is typed on both outputs; backspace erases; Enter ends the line (not included).
        // Characters beyond MaxLineLength are dropped.
        public static string ReadLine()
        {
            char* line = stackalloc char[MaxLineLength];
            int length = 0;
            while (true)
            {
                ConsoleKeyInfo key = ReadKey();
                if (key.Key == ConsoleKey.Enter)
                {
                    WriteLine();
                    return new string(line, 0, length);
                }
                if (key.Key == ConsoleKey.Backspace)
                {
                    if (length > 0)
                    {
                        length--;
                        Write("\b \b");
                    }
                }
                else if (key.Key == ConsoleKey.Tab)
                {
                    if (length < MaxLineLength)
                    {
                        line[length++] = ' ';
                        Write(' ');
                    }
                }
                else if (key.Key == ConsoleKey.Character && key.KeyChar >= ' ' && key.KeyChar < 127 && length < MaxLineLength)
                {
                    line[length++] = key.KeyChar;
                    Write(key.KeyChar);
                }
            }
        }

        // With interrupts off.
        private static bool TryTakeKey(out ConsoleKeyInfo key)
        {
            while (Keyboard8042.TryTakeScancode(out byte scancode))
            {
                if (Keyboard8042.Decode(scancode, out char c))
                {
                    key = FromChar(c);
                    return true;
                }
            }
            while (Serial.TryTake(out byte b))
            {
                if (FromSerial(b, out key))
                    return true;
            }
            key = default;
            return false;
        }

        private static bool FromSerial(byte b, out ConsoleKeyInfo key)
        {
            key = default;
            bool afterCr = s_lastWasCarriageReturn;
            s_lastWasCarriageReturn = b == '\r';
            if (s_escapeBytes > 0)
            {
                // ESC [ X: swallow '[' then the final byte; anything else ends the sequence now.
                if (s_escapeBytes == 2 && b != '[')
                    s_escapeBytes = 0;
                else
                {
                    s_escapeBytes--;
                    return false;
                }
            }
            if (b == 0x1B)
            {
                s_escapeBytes = 2;
                key = new ConsoleKeyInfo((char)0x1B, ConsoleKey.Escape);
                return true;
            }
            if (b == '\n' && afterCr)
                return false;
            if (b == 0x7F)
                b = (byte)'\b';
            key = FromChar(b == '\r' ? '\n' : (char)b);
            return true;
        }

        private static ConsoleKeyInfo FromChar(char c) => c switch
        {
            '\n' => new ConsoleKeyInfo('\n', ConsoleKey.Enter),
            '\b' => new ConsoleKeyInfo('\b', ConsoleKey.Backspace),
            '\t' => new ConsoleKeyInfo('\t', ConsoleKey.Tab),
            (char)0x1B => new ConsoleKeyInfo(c, ConsoleKey.Escape),
            _ => new ConsoleKeyInfo(c, ConsoleKey.Character),
        };
    }
}
