// bcl_parse: int, long and double Parse/TryParse, and the exceptions bad input gets.
using System;
using System.Globalization;

namespace BuddyOS.Kernel.SelfTest.Bcl
{
    internal static class ParseTests
    {
        public static void Parse(TestContext t)
        {
            t.Equal(12345, (ulong)int.Parse("12345"), "int.Parse");
            t.Check(int.Parse("  -42 ") == -42, "int.Parse with spaces and a sign");
            t.Check(long.Parse("-9223372036854775808") == long.MinValue, "long.Parse of long.MinValue");
            t.Equal(0xBEEF, (ulong)int.Parse("BEEF", NumberStyles.HexNumber), "int.Parse hex");
            t.Check(double.Parse("3.25") == 3.25 && double.Parse("-1e-3") == -0.001, "double.Parse");
            t.Check(double.Parse("1.7976931348623157E+308") == double.MaxValue, "double.Parse of double.MaxValue");
            t.Check(double.IsNaN(double.Parse("NaN")) && double.IsPositiveInfinity(double.Parse("Infinity")), "double.Parse of NaN and Infinity");
            t.Equal("0.1", double.Parse("0.1").ToString(), "double round trip of 0.1 (shortest form)");
            t.Check(decimal.Parse("79228162514264337593543950335") == decimal.MaxValue, "decimal.Parse of decimal.MaxValue");

            t.Check(int.TryParse("77", out int ok) && ok == 77, "int.TryParse of a number");
            t.Check(!int.TryParse("7x7", out int bad) && bad == 0, "int.TryParse of \"7x7\" succeeded");
            t.Check(!int.TryParse("2147483648", out _), "int.TryParse of int.MaxValue + 1 succeeded");
            t.Check(!double.TryParse("1.2.3", out _), "double.TryParse of \"1.2.3\" succeeded");
            t.Check(!long.TryParse("", out _) && !long.TryParse((string)null, out _), "long.TryParse of empty or null succeeded");

            t.Check(Throws<FormatException>(() => int.Parse("twelve")), "int.Parse(\"twelve\") did not throw FormatException");
            t.Check(Throws<OverflowException>(() => int.Parse("99999999999")), "int.Parse(\"99999999999\") did not throw OverflowException");
            t.Check(Throws<OverflowException>(() => GC.KeepAlive(checked((int)long.Parse("4294967296")))), "a checked narrowing did not throw OverflowException");
            t.Check(Throws<FormatException>(() => double.Parse("--1")), "double.Parse(\"--1\") did not throw FormatException");
            t.Check(Throws<ArgumentNullException>(() => int.Parse(null)), "int.Parse(null) did not throw ArgumentNullException");
            string message = null;
            try
            {
                int.Parse("12a");
            }
            catch (FormatException e)
            {
                message = e.Message;
            }
            t.Equal("The input string '12a' was not in a correct format.", message, "FormatException's message");
        }

        internal static bool Throws<T>(Action action) where T : Exception
        {
            try
            {
                action();
            }
            catch (T)
            {
                return true;
            }
            return false;
        }
    }
}
