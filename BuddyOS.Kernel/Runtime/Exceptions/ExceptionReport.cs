// The boot report's line about exception support: the unwind index and the symbol table it found.
// Checking both at boot turns a broken build step into a panic here, not at the first throw.
namespace BuddyOS.Kernel.Exceptions
{
    internal static class ExceptionReport
    {
        public static void Print()
        {
            EhFrameTable.Initialize();
            int symbols = SymbolTable.Count;
            if (symbols == 0)
                Panic.Fail("exceptions: the .ksyms symbol table is empty (scripts/embed-symbols.sh did not run); symbols", 0);
            System.Console.WriteLine($"exceptions: {EhFrameTable.Count} FDEs in .eh_frame_hdr, {symbols} code symbols for stack traces");
        }
    }
}
