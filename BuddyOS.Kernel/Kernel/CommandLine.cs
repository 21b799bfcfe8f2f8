// Kernel options from the multiboot2 command line, space separated:
//   selftest=fail            add one test that fails on purpose (checks the failure path end to end)
//   selftest.only=a,b        run only the named tests
//   selftest=full            every test at its full size (the default boot sizes them for its time budget)
//   crash=null | crash=hang  null dereference after the banner / spin forever with interrupts off
//   crash=use_after_free     write to a freed object, then allocate (with heap.checks=on: a UseAfterFree panic)
//   heap.checks=on           every heap debug check (invariants, poison) on the kernel heap
namespace BuddyOS.Kernel
{
    internal sealed class CommandLine
    {
        public string Raw = "";
        public bool AddFailingTest;
        public bool FullSize;
        public string OnlyTests;     // null: all tests
        public string Crash;         // null, "null", "hang" or "use_after_free"
        public bool HeapChecks;

        public static CommandLine Parse(string raw)
        {
            CommandLine options = new CommandLine();
            options.Raw = raw;
            int start = 0;
            while (start < raw.Length)
            {
                int end = raw.IndexOf(' ', start);
                if (end < 0)
                    end = raw.Length;
                if (end > start)
                    options.Apply(raw.Substring(start, end - start));
                start = end + 1;
            }
            return options;
        }

        private void Apply(string word)
        {
            if (word == "selftest=fail")
                AddFailingTest = true;
            else if (word == "selftest=full")
                FullSize = true;
            else if (word.StartsWith("selftest.only="))
                OnlyTests = word.Substring(14, word.Length - 14);
            else if (word == "heap.checks=on")
                HeapChecks = true;
            else if (word.StartsWith("crash="))
                Crash = word.Substring(6, word.Length - 6);
        }

        // Whether a test named `name` is selected by selftest.only (a comma-separated list).
        public bool Selects(string name)
        {
            if ((object)OnlyTests == null)
                return true;
            int start = 0;
            while (start <= OnlyTests.Length)
            {
                int end = OnlyTests.IndexOf(',', start);
                if (end < 0)
                    end = OnlyTests.Length;
                if (end - start == name.Length && OnlyTests.Substring(start, end - start) == name)
                    return true;
                start = end + 1;
            }
            return false;
        }
    }
}
