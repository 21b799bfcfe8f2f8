// bcl_console: System.Console in the kernel. System.Console.Out and System.Console.Error write through the platform layer
// (SystemNative_Write on descriptors 1 and 2) to the screen and COM1; the line below reaches the serial report,
// where the host checks it too (BuddyOS.Tests: Console_WriteLine_reaches_the_serial_report).
using System;
using System.IO;

namespace BuddyOS.Kernel.SelfTest.Bcl
{
    internal static class ConsoleTests
    {
        public const string Unicode = "bcl_console: UTF-8 Grüße, мир, ✓";

        public static void ConsoleOutput(TestContext t)
        {
            string expected = $"bcl_console: {42,6}|{Math.PI:F3}|{"left",-6}|{255:X2}|{true}|{DateTimeKind.Utc}";
            long before = Runtime.Platform.ConsoleIO.BytesWritten;
            System.Console.WriteLine("bcl_console: {0,6}|{1:F3}|{2,-6}|{3:X2}|{4}|{5}", 42, Math.PI, "left", 255, true, DateTimeKind.Utc);
            t.Equal(expected + "\n", Runtime.Platform.ConsoleIO.LastWritten(expected.Length + 1), "what System.Console.WriteLine wrote to the console");
            t.Equal((ulong)(expected.Length + 1), (ulong)(Runtime.Platform.ConsoleIO.BytesWritten - before), "bytes written for the line");
            // Non-ASCII text leaves as UTF-8 (COM1 passes the bytes on; the host decodes them).
            System.Console.WriteLine(Unicode);
            byte[] utf8 = System.Text.Encoding.UTF8.GetBytes(Unicode + "\n");
            t.Equal(System.Text.Encoding.Latin1.GetString(utf8), Runtime.Platform.ConsoleIO.LastWritten(utf8.Length), "the UTF-8 bytes of a line with umlauts, Cyrillic and a check mark");
            t.Check(!System.Console.IsOutputRedirected && !System.Console.IsInputRedirected, "the console is a terminal (not redirected)");
            t.Check(System.Console.WindowWidth >= 80 && System.Console.WindowHeight >= 25, $"window {System.Console.WindowWidth}x{System.Console.WindowHeight}");
            System.Console.Error.Write("");
            t.Check(System.Console.Out.Encoding.WebName == "utf-8", $"System.Console.Out.Encoding {System.Console.Out.Encoding.WebName}");
            // No terminfo: colours and cursor movement have no escape strings to send, so they change nothing.
            string colour = null;
            try
            {
                System.Console.ForegroundColor = ConsoleColor.Red;
                System.Console.ResetColor();
                colour = "no exception";
                System.Console.SetCursorPosition(0, 0);
                colour += ", SetCursorPosition: no exception";
            }
            catch (Exception e)
            {
                colour += $", {e.GetType().Name}: {e.Message}";
            }
            t.Note = $"colour and cursor: {colour}";

            // No file system: every path is missing.
            Exception missing = null;
            try
            {
                GC.KeepAlive(File.ReadAllText("/etc/hostname"));
            }
            catch (Exception e)
            {
                missing = e;
            }
            t.Check(missing is DirectoryNotFoundException || missing is FileNotFoundException, $"File.ReadAllText: {missing?.Message ?? "read a file"}");

            TextWriter writer = new StringWriter();
            writer.Write("{0}-{1}", 1, 2);
            t.Equal("1-2", writer.ToString(), "StringWriter");
            t.Check(ParseTests.Throws<FormatException>(() => System.Console.WriteLine("{0} {1}", "one")), "System.Console.WriteLine with a missing argument did not throw FormatException");
        }
    }
}
