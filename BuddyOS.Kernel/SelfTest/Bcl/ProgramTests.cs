// bcl_program: an ordinary .NET console program (samples/calculator/Program.cs: a tokenizer, a recursive-descent
// parser and interpreter, a word count; collections, LINQ, StringBuilder, interpolation, Parse, Math, records,
// pattern matching, exceptions), compiled into the kernel unmodified and run through its Main. Its output goes to
// the console between the two marker lines; the host runs the same program and compares (BuddyOS.Tests:
// The_calculator_prints_in_the_kernel_what_it_prints_on_the_host).
namespace BuddyOS.Kernel.SelfTest.Bcl
{
    internal static class ProgramTests
    {
        public const string Begin = "program: samples/calculator begins";
        public const string End = "program: samples/calculator ends";

        public static void Calculator(TestContext t)
        {
            System.Console.WriteLine(Begin);
            long before = Runtime.Platform.ConsoleIO.BytesWritten;
            int status = global::Calculator.Program.Main(new string[0]);
            long written = Runtime.Platform.ConsoleIO.BytesWritten - before;
            System.Console.WriteLine(End);
            t.Equal(0, (ulong)status, "the calculator's exit status (1: its errors were not the four its script provokes)");
            t.Check(written > 500, $"the calculator wrote {written} bytes");
        }
    }
}
