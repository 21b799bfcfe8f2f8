// The public face of BuddyOS for a kernel author: a class deriving from Kernel is the kernel. BeforeRun once,
// then Run in a loop until Stop, then AfterRun; Kmain starts it after the boot report and the self-tests, with
// interrupts (keyboard, COM1, timer) on. The BuddyOS shell is a Kernel too, the one that runs when none is given.
// The SDK's source generator registers the user's class from a module initializer (BuddyOS.Sdk.Generator).
using System;
using System.ComponentModel;

namespace BuddyOS.Framework
{
    /// <summary>
    /// The base class of a BuddyOS kernel. Derive one non-abstract class from it in your project (the BuddyOS SDK
    /// finds it at build time) and override <see cref="Run"/>: the machine boots, prints its report, runs your
    /// self-tests (<see cref="AddSelfTests"/>), calls <see cref="BeforeRun"/> once, then <see cref="Run"/> again and
    /// again until <see cref="Stop"/> is called, then <see cref="AfterRun"/>, and halts.
    /// </summary>
    /// <remarks>
    /// System.Console reads the keyboard and COM1 and writes to the screen and COM1; System.GC and the rest of the
    /// .NET base library work as in any program. An exception that escapes <see cref="Run"/> is a kernel panic:
    /// the report names it with its stack trace and the machine stops.
    /// </remarks>
    public abstract class Kernel
    {
        private static Func<Kernel> s_registered;
        private static string s_registeredName;
        private bool _stopped;

        /// <summary>The kernel's command line, as the boot loader passed it (GRUB's <c>multiboot2</c> line); "" when empty.</summary>
        public string BootCommandLine { get; internal set; } = "";

        /// <summary>Whether <see cref="Stop"/> has been called.</summary>
        public bool Stopped => _stopped;

        /// <summary>Called once, after the boot report and the self-tests, before the first <see cref="Run"/>.</summary>
        protected virtual void BeforeRun() { }

        /// <summary>The kernel's work, called in a loop until <see cref="Stop"/>. Finalizers run between two calls.</summary>
        protected abstract void Run();

        /// <summary>Called once after the last <see cref="Run"/>; then the machine halts (under QEMU, QEMU exits).</summary>
        protected virtual void AfterRun() { }

        /// <summary>
        /// Called once at boot, before any self-test runs, to add this kernel's own self-tests. They run with the
        /// report protocol BuddyOS's own tests use (a <c>plan:</c> line, one <c>[PASS]</c> or <c>[FAIL]</c> line each,
        /// the <c>selftest:</c> closing line). BuddyOS's own suite runs too only when the kernel command line has
        /// <c>selftest=buddyos</c>.
        /// </summary>
        protected virtual void AddSelfTests(SelfTestList tests) { }

        /// <summary>Ends the loop: the current <see cref="Run"/> returns as usual, then <see cref="AfterRun"/> runs.</summary>
        public void Stop() => _stopped = true;

        internal void Start()
        {
            BeforeRun();
            while (!_stopped)
            {
                Run();
                global::BuddyOS.Kernel.GarbageCollection.Finalization.RunPending();   // a safe point: between two runs nothing is half done
            }
            AfterRun();
        }

        /// <summary>
        /// Registers the kernel class that boots instead of the BuddyOS shell. The BuddyOS SDK's source generator
        /// calls this from a module initializer for the one class in your project that derives from
        /// <see cref="Kernel"/>; you do not call it yourself.
        /// </summary>
        /// <param name="create">Makes the kernel, once, after the runtime and the collector have started.</param>
        /// <param name="name">The class's full name, for the boot report and for errors.</param>
        /// <exception cref="ArgumentNullException">A null argument.</exception>
        /// <exception cref="InvalidOperationException">A kernel class is already registered (two assemblies each bring one).</exception>
        [EditorBrowsable(EditorBrowsableState.Never)]
        public static void Register(Func<Kernel> create, string name)
        {
            if (create == null)
                throw new ArgumentNullException(nameof(create));
            if (name == null)
                throw new ArgumentNullException(nameof(name));
            if (s_registered != null)
                throw new InvalidOperationException($"two kernel classes: {s_registeredName} and {name}; a BuddyOS image boots one");
            s_registered = create;
            s_registeredName = name;
        }

        // The registered kernel's class name, null when none is (the BuddyOS shell is the kernel then).
        internal static string RegisteredName => s_registeredName;

        // Kmain's side. The registered kernel, made now (after the runtime, the collector and the clock started), or
        // null: the BuddyOS shell is the kernel.
        internal static Kernel CreateRegistered(global::BuddyOS.Kernel.CommandLine options)
        {
            if (s_registered == null)
                return null;
            Console.WriteLine(global::BuddyOS.Protocol.ReportProtocol.UserKernel + " " + s_registeredName);
            Kernel kernel = s_registered();
            if (kernel == null)
                throw new InvalidOperationException($"the factory of {s_registeredName} returned null");
            kernel.BootCommandLine = options.Raw;
            return kernel;
        }

        // Its own self-tests (and BuddyOS's with selftest=buddyos), through the kernel's runner.
        internal unsafe global::BuddyOS.Kernel.SelfTest.TestResults RunSelfTests(global::BuddyOS.Kernel.CommandLine options, byte* scratch)
        {
            SelfTestList tests = new SelfTestList();
            AddSelfTests(tests);
            return global::BuddyOS.Kernel.SelfTest.SelfTests.Run(options, scratch, tests.Cases);
        }

        // Runs the kernel, then ends the machine: under QEMU with "the kernel stopped" (or "a self-test failed").
        internal void RunAndHalt(bool selfTestsPassed)
        {
            Start();
            global::BuddyOS.Kernel.Drivers.QemuExit.ExitAndHalt(selfTestsPassed
                ? global::BuddyOS.Kernel.Drivers.QemuExit.KernelStopped : global::BuddyOS.Kernel.Drivers.QemuExit.TestsFailed);
        }
    }
}
