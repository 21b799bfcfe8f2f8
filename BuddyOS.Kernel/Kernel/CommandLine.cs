// Kernel options from the multiboot2 command line, space separated:
//   selftest=fail            add one test that fails on purpose (checks the failure path end to end)
//   selftest=full            run every self-test at full size (the default boot is sized for speed)
//   selftest.only=a,b        run only the named tests
//   selftest=buddyos         with a kernel of the user's own (BuddyOS.Framework.Kernel): BuddyOS's suite runs too
//   crash=null | crash=hang  null dereference after the banner / spin forever with interrupts off
//   crash=oom                keep more live data than the heap holds: the out-of-memory panic
//   gc.stress=N              collect before every Nth object allocation
//   crash=unhandled          throw an exception nothing catches (the unhandled-exception panic)
//   crash=dispatcher         fault inside the exception dispatcher's first pass (still a panic)
//   crash=use_after_free     write to a freed object, then allocate (with heap.checks=on: a UseAfterFree panic)
//   heap.checks=on           every heap debug check (invariants, poison) on the kernel heap
//   shell                    enter the shell after the self-tests, even under QEMU TCG
//   timer.hz=N               the PIT's tick rate (default 100; the interrupt storm test boots with 10000)
//   crash=irq                fault inside the timer interrupt handler (the panic, never an exception)
namespace BuddyOS.Kernel
{
    internal sealed class CommandLine
    {
        public string Raw = "";
        public bool AddFailingTest;
        public bool FullSize;
        public bool BuddyOSSuite;    // a user kernel runs only its own tests unless this is set
        public string OnlyTests;     // null: all tests
        public string Crash;         // null, "null", "hang", "oom", "unhandled", "dispatcher", "use_after_free", "irq" or "triple_fault"
        public ulong GcStress;       // 0: off
        public bool HeapChecks;
        public bool Shell;
        public uint TimerHz = Interrupts.Pit.DefaultHz;

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
            else if (word == "selftest=buddyos")
                BuddyOSSuite = true;
            else if (word.StartsWith("selftest.only="))
                OnlyTests = word.Substring(14, word.Length - 14);
            else if (word == "heap.checks=on")
                HeapChecks = true;
            else if (word.StartsWith("crash="))
                Crash = word.Substring(6, word.Length - 6);
            else if (word.StartsWith("gc.stress="))
                GcStress = ParseDecimal(word, 10);
            else if (word == BuddyOS.Protocol.ReportProtocol.ShellOption)
                Shell = true;
            else if (word.StartsWith("timer.hz="))
            {
                ulong hz = ParseDecimal(word, 9);
                if (hz >= 19 && hz <= 100000)   // the PIT's 16-bit divisor bounds it from below
                    TimerHz = (uint)hz;
            }
        }

        // Digits from `start` to the end; 0 when there are none or anything else follows.
        private static ulong ParseDecimal(string word, int start)
        {
            ulong value = 0;
            for (int i = start; i < word.Length; i++)
            {
                char c = word[i];
                if (c < '0' || c > '9')
                    return 0;
                value = value * 10 + (ulong)(c - '0');
            }
            return value;
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
