// The OS lock under CoreLib's Lock, Monitor and events (LowLevelMonitor). One CPU, one thread, and no lock is
// ever taken inside an interrupt handler (the handlers call no base-library code), so acquiring can never find
// the lock held by someone else: the monitor only counts, to catch misuse. Waiting is waiting for another
// thread, which does not exist: a timed wait sleeps out its timeout (Thread.Sleep is one) and says "timed out"; an
// untimed one would hang forever, so it is a panic that says why.
using System.Runtime;

namespace BuddyOS.Kernel.Runtime.Platform
{
    internal static unsafe class Locks
    {
        [RuntimeExport("SystemNative_LowLevelMonitor_Create")]
        private static nint Create()
        {
            nint* monitor = (nint*)KernelHeap.AllocateRaw(16, 16);
            *monitor = 0;
            return (nint)monitor;
        }

        [RuntimeExport("SystemNative_LowLevelMonitor_Destroy")]
        private static void Destroy(nint* monitor) => KernelHeap.TryFreeRaw((byte*)monitor);

        [RuntimeExport("SystemNative_LowLevelMonitor_Acquire")]
        private static void Acquire(nint* monitor)
        {
            if (Interrupts.Irq.InHandler)
                Panic.Fail("runtime: a lock taken inside an interrupt handler (handlers must not call the base library), monitor", (ulong)monitor);
            if (*monitor != 0)
                Panic.Fail("runtime: a LowLevelMonitor acquired twice (one thread: it would deadlock), at", (ulong)monitor);
            *monitor = 1;
        }

        [RuntimeExport("SystemNative_LowLevelMonitor_Release")]
        private static void Release(nint* monitor) => *monitor = 0;

        [RuntimeExport("SystemNative_LowLevelMonitor_Wait")]
        private static void Wait(nint* monitor) =>
            Panic.Fail("runtime: an untimed wait for another thread (BuddyOS has one thread: it would never wake), monitor", (ulong)monitor);

        [RuntimeExport("SystemNative_LowLevelMonitor_TimedWait")]
        private static int TimedWait(nint* monitor, int milliseconds)
        {
            *monitor = 0;
            Clock.Sleep(milliseconds);
            *monitor = 1;
            return 0;   // timed out
        }

        [RuntimeExport("SystemNative_LowLevelMonitor_Signal_Release")]
        private static void SignalRelease(nint* monitor) => *monitor = 0;
    }
}
