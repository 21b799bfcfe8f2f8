// The shell's word splitting and number parsing. A bad number throws FormatException, one too large for 64
// bits OverflowException, each naming the argument; the shell's loop turns either into a one-line error.
// (Hand-checked overflow: ilc's `checked` ulong multiply needs System.Math, which this corelib lacks.)
using System;
using System.Collections.Generic;

namespace BuddyOS.Kernel.Shell
{
    internal static class Arguments
    {
        public static List<string> Split(string line)
        {
            List<string> words = new List<string>();
            int start = 0;
            while (start < line.Length)
            {
                while (start < line.Length && line[start] == ' ')
                    start++;
                int end = start;
                while (end < line.Length && line[end] != ' ')
                    end++;
                if (end > start)
                    words.Add(line.Substring(start, end - start));
                start = end;
            }
            return words;
        }

        // Decimal, or hexadecimal after 0x; `what` names the argument in the error.
        public static ulong ParseNumber(string word, string what)
        {
            bool hex = word.Length > 2 && word[0] == '0' && (word[1] == 'x' || word[1] == 'X');
            int start = hex ? 2 : 0;
            if (word.Length == start)
                throw new FormatException(string.Concat(what, ": expected a number, got \"", word, "\""));
            ulong value = 0;
            for (int i = start; i < word.Length; i++)
            {
                int digit = Digit(word[i], hex);
                if (digit < 0)
                    throw new FormatException(string.Concat(what, ": expected a number, got \"", word, "\""));
                ulong radix = hex ? 16UL : 10UL;
                if (value > (ulong.MaxValue - (ulong)digit) / radix)
                    throw new OverflowException(string.Concat(what, ": ", word, " does not fit in 64 bits"));
                value = value * radix + (ulong)digit;
            }
            return value;
        }

        private static int Digit(char c, bool hex)
        {
            if (c >= '0' && c <= '9')
                return c - '0';
            if (hex && c >= 'a' && c <= 'f')
                return c - 'a' + 10;
            if (hex && c >= 'A' && c <= 'F')
                return c - 'A' + 10;
            return -1;
        }
    }
}
