// bcl_math: System.Math over musl's libm (linked from libc.a), against values known to 15 digits.
using System;

namespace BuddyOS.Kernel.SelfTest.Bcl
{
    internal static class MathTests
    {
        public static void Math(TestContext t)
        {
            Near(t, 1.4142135623730951, System.Math.Sqrt(2), "Sqrt(2)");
            Near(t, 0.8414709848078965, System.Math.Sin(1), "Sin(1)");
            Near(t, 0.5403023058681398, System.Math.Cos(1), "Cos(1)");
            Near(t, 1.5574077246549023, System.Math.Tan(1), "Tan(1)");
            Near(t, 0.7853981633974483, System.Math.Atan2(1, 1), "Atan2(1, 1)");
            Near(t, 1024, System.Math.Pow(2, 10), "Pow(2, 10)");
            Near(t, 1.4142135623730951, System.Math.Pow(2, 0.5), "Pow(2, 0.5)");
            Near(t, 2.302585092994046, System.Math.Log(10), "Log(10)");
            Near(t, 3, System.Math.Log10(1000), "Log10(1000)");
            Near(t, 10, System.Math.Log2(1024), "Log2(1024)");
            Near(t, 20.085536923187668, System.Math.Exp(3), "Exp(3)");
            Near(t, 3, System.Math.Cbrt(27), "Cbrt(27)");
            Near(t, 1.1752011936438014, System.Math.Sinh(1), "Sinh(1)");
            Near(t, 0.5235987755982989, System.Math.Asin(0.5), "Asin(0.5)");
            Near(t, 1.0, System.Math.IEEERemainder(10, 3), "IEEERemainder(10, 3)");
            t.Equal("3", System.Math.Round(2.5, MidpointRounding.AwayFromZero).ToString(), "Round(2.5) away from zero");
            t.Equal("2", System.Math.Round(2.5).ToString(), "Round(2.5) to even");
            t.Equal("3.14", System.Math.Round(3.14159, 2).ToString(), "Round(3.14159, 2)");
            t.Check(System.Math.Floor(-1.5) == -2 && System.Math.Ceiling(-1.5) == -1 && System.Math.Truncate(-1.5) == -1, "Floor/Ceiling/Truncate of -1.5");
            t.Check(System.Math.Abs(-7) == 7 && System.Math.Max(3, 9) == 9 && System.Math.Min(-3L, 2L) == -3L && System.Math.Clamp(15, 0, 10) == 10, "Abs/Max/Min/Clamp");
            t.Check(System.Math.Sqrt(-1) is double nan && double.IsNaN(nan), "Sqrt(-1) is NaN");
            t.Check(double.IsNegativeInfinity(System.Math.Log(0)), "Log(0) is -Infinity");
            t.Check(ParseTests.Throws<OverflowException>(() => System.Math.Abs(int.MinValue)), "Abs(int.MinValue) did not throw OverflowException");
            t.Check(ParseTests.Throws<ArgumentException>(() => System.Math.Clamp(1, 5, 0)), "Clamp with min > max did not throw ArgumentException");
            t.Equal(3, (ulong)System.Math.DivRem(17, 5, out int remainder), "DivRem quotient");
            t.Equal(2, (ulong)remainder, "DivRem remainder");
            t.Equal("2.5", (5.0 / 2).ToString(), "double division printed");
            t.Equal("double=4.5", "double=" + (1.5 * 3), "a double concatenated into a string");
        }

        private static void Near(TestContext t, double expected, double actual, string what)
        {
            double tolerance = System.Math.Abs(expected) * 1e-14 + 1e-15;
            t.Check(System.Math.Abs(expected - actual) <= tolerance, $"{what} = {actual:R}, expected {expected:R}");
        }
    }
}
