// Function names for stack traces. The build writes `nm -n` of the linked kernel into the image's
// .ksyms section (scripts/embed-symbols.sh): lines "ADDRESS NAME\n" with 16 hex digits, ascending,
// ending with a NUL. Looked up only while printing a panic, so a linear scan is fine and nothing
// allocates. ilc's names look like <Assembly>_<Namespace>_<Type>__<Method>.
using System.Runtime;
using System.Runtime.CompilerServices;

namespace BuddyOS.Kernel
{
    internal static unsafe class SymbolTable
    {
        [RuntimeImport("BuddyOS_SymbolsStart")]
        [MethodImpl(MethodImplOptions.InternalCall)]
        private static extern byte* Start();

        [RuntimeImport("BuddyOS_SymbolsEnd")]
        [MethodImpl(MethodImplOptions.InternalCall)]
        private static extern byte* End();

        private const int AddressDigits = 16;

        // Number of symbols in the table (0: the build did not fill it).
        public static int Count
        {
            get
            {
                int count = 0;
                for (byte* line = Start(); IsLine(line); line = NextLine(line))
                    count++;
                return count;
            }
        }

        // Writes "name+0xOFFSET" for `address` (every name that starts at the same address, "a / b"),
        // or "?" when no symbol precedes it.
        public static void WriteName(ulong address, ulong displayedAddress)
        {
            byte* first = null;
            ulong firstAddress = 0;
            for (byte* line = Start(); IsLine(line); line = NextLine(line))
            {
                ulong at = ParseAddress(line);
                if (at > address)
                    break;
                if (first == null || at != firstAddress)
                {
                    first = line;
                    firstAddress = at;
                }
            }
            if (first == null)
            {
                ConsoleDevice.Write("?");
                return;
            }
            for (byte* line = first; IsLine(line) && ParseAddress(line) == firstAddress; line = NextLine(line))
            {
                if (line != first)
                    ConsoleDevice.Write(" / ");
                for (byte* c = line + AddressDigits + 1; *c != (byte)'\n' && *c != 0; c++)
                    ConsoleDevice.Write((char)*c);
            }
            ulong offset = displayedAddress - firstAddress;
            int digits = 1;
            while (digits < 16 && (offset >> (4 * digits)) != 0)
                digits++;
            ConsoleDevice.Write("+");
            ConsoleDevice.WriteHex(offset, digits);
        }

        private static bool IsLine(byte* line) => line + AddressDigits + 1 < End() && *line != 0;

        private static byte* NextLine(byte* line)
        {
            while (line < End() && *line != (byte)'\n' && *line != 0)
                line++;
            return *line == (byte)'\n' ? line + 1 : line;
        }

        private static ulong ParseAddress(byte* line)
        {
            ulong value = 0;
            for (int i = 0; i < AddressDigits; i++)
            {
                byte c = line[i];
                ulong digit = c <= (byte)'9' ? (ulong)(c - '0') : (ulong)((c | 0x20) - 'a' + 10);
                value = value << 4 | digit;
            }
            return value;
        }
    }
}
