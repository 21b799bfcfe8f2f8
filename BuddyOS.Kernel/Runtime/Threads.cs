// One CPU, one thread: the kernel's boot thread is the only one there is. CoreLib's Thread object for it
// exists (Thread.CurrentThread, ManagedThreadId 1), thread statics are ordinary roots, and starting another
// thread is a PlatformNotSupportedException that says so, never a hang or a fault.
using System;
using System.Runtime;

namespace BuddyOS.Kernel.Runtime
{
    internal static unsafe class Threads
    {
        // --noinlinetls: every thread static is reached through this one array of per-type storage arrays.
        // A GC static of this class, so the collector traces it like any static.
        private static object[][] s_threadStatics;

        [RuntimeExport("RhGetThreadStaticStorage")]
        private static ref object[][] ThreadStaticStorage() => ref s_threadStatics;

        [RuntimeExport("RhCurrentOSThreadId")]
        private static ulong CurrentOSThreadId() => 1;

        [RuntimeExport("RhCurrentNativeThreadId")]
        private static nint CurrentNativeThreadId() => 1;

        [RuntimeExport("RhGetProcessCpuCount")]
        private static int ProcessCpuCount() => 1;

        [RuntimeExport("SystemNative_SchedGetCpu")]
        private static int SchedGetCpu() => 0;

        [RuntimeExport("RhSetThreadExitCallback")]
        private static void SetThreadExitCallback(void* callback) { }

        [RuntimeExport("RhSetCurrentThreadName")]
        private static void SetCurrentThreadName(char* name) { }

        [RuntimeImport("BuddyOS_BootStackBottom")]
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.InternalCall)]
        private static extern byte* StackBottom();

        [RuntimeImport("BuddyOS_BootStackTop")]
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.InternalCall)]
        private static extern byte* StackTop();

        [RuntimeExport("RhGetCurrentThreadStackBounds")]
        private static void CurrentThreadStackBounds(nint* low, nint* high)
        {
            *low = (nint)StackBottom();
            *high = (nint)StackTop();
        }

        [RuntimeExport("RhGetDefaultStackSize")]
        private static nint DefaultStackSize() => (nint)(StackTop() - StackBottom());

        [RuntimeExport("RhSpinWait")]
        private static void SpinWait(int iterations)
        {
            for (int i = 0; i < iterations; i++)
                System.Runtime.Intrinsics.X86.X86Base.Pause();
        }

        [RuntimeExport("RhLongSpinWait")]
        private static void LongSpinWait(int iterations) => SpinWait(iterations);

        // Thread.Yield: no other thread to run.
        [RuntimeExport("RhYield")]
        private static int Yield() => 0;

        [RuntimeExport("RhGetThreadEntryPointAddress")]
        private static nint ThreadEntryPointAddress() => Modules.ClasslibFunction(2);   // ClassLibFunctionId.ThreadEntryPoint

        // Thread.Start and everything built on new threads (the thread pool: Task.Run, timers).
        [RuntimeExport("SystemNative_CreateThread")]
        private static int CreateThread(nint stackSize, void* start, nint parameter) =>
            throw new PlatformNotSupportedException("BuddyOS runs one thread on one CPU: a new thread cannot be started in the kernel.");

        // The thread pool's CPU-use probe: nothing else runs, so nothing to report.
        [RuntimeExport("SystemNative_GetCpuUtilization")]
        private static int CpuUtilization(void* previous) => 0;

        [RuntimeExport("RhpGetThreadAbortException")]
        private static object ThreadAbortException() => null;
    }
}
