// The Cosmos-style surface for a kernel that talks to a person: BeforeRun once, then Run in a loop until
// Stop. Kmain starts it after the boot and the self-tests, with interrupts (keyboard, COM1, timer) on.
// An exception that escapes Run is the usual unhandled-exception panic.
namespace BuddyOS.Kernel.Shell
{
    internal abstract class InteractiveKernel
    {
        private bool _stopped;

        protected virtual void BeforeRun() { }

        protected abstract void Run();

        protected virtual void AfterRun() { }

        protected void Stop() => _stopped = true;

        public void Start()
        {
            BeforeRun();
            while (!_stopped)
            {
                Run();
                GarbageCollection.Finalization.RunPending();   // a safe point: between two runs nothing is half done
            }
            AfterRun();
        }
    }
}
