// Stack walking and failing, as CoreLib asks for them. Exceptions themselves are dispatched by the kernel's own
// two-pass dispatcher (Exceptions/), not by CoreLib's managed one: RhpThrowEx and RhpRethrow (Boot/exceptions.asm)
// go there, so CoreLib's frame-iterator and funclet entry points must never be called; they panic if they are.
using System.Runtime;
using System.Runtime.CompilerServices;
using BuddyOS.Kernel.Exceptions;

namespace BuddyOS.Kernel.Runtime
{
    internal static unsafe class Diagnostics
    {
        [RuntimeImport("BuddyOS_CaptureCallerContext")]
        [MethodImpl(MethodImplOptions.InternalCall)]
        private static extern void CaptureCallerContext(RegisterContext* context);

        // new StackTrace(), Environment.StackTrace: the return addresses of the managed frames above the caller,
        // innermost first. Returns the count, or minus the count needed when the buffer is too small.
        [RuntimeExport("RhpGetCurrentThreadStackTrace")]
        [MethodImpl(MethodImplOptions.NoInlining)]
        private static int CurrentThreadStackTrace(nint* buffer, uint length, nint addressInCurrentFrame)
        {
            RegisterContext here;
            CaptureCallerContext(&here);
            StackFrameIterator frames = default;
            int count = 0;
            for (bool more = frames.Init(&here); more; more = frames.Next())
            {
                if ((uint)count < length)
                    buffer[count] = (nint)frames.Context.Ip;
                count++;
            }
            return (uint)count <= length ? count : -count;
        }

        // The start of the method (its main body, for an address in a funclet) whose code holds `address`.
        [RuntimeExport("RhFindMethodStartAddress")]
        private static nint FindMethodStartAddress(nint address)
        {
            if (!EhFrameTable.Find((ulong)address, out FrameDescription frame))
                return 0;
            return (nint)MethodEhInfo.Read(ref frame).BodyStart;
        }

        // Delegates and function pointers: the kernel image has no jump stubs to see through.
        [RuntimeExport("RhGetCodeTarget")]
        private static nint CodeTarget(nint code) => code;

        [RuntimeExport("RhGetTargetOfUnboxingAndInstantiatingStub")]
        private static nint TargetOfUnboxingAndInstantiatingStub(nint code) => 0;

        [RuntimeExport("RhpSfiInit")]
        private static int SfiInit(void* iterator, void* context, int instructionFault, int* intercepted) => NotOurDispatcher("RhpSfiInit");

        [RuntimeExport("RhpSfiNext")]
        private static int SfiNext(void* iterator, void* a, void* b, void* c) => NotOurDispatcher("RhpSfiNext");

        [RuntimeExport("RhpEHEnumInitFromStackFrameIterator")]
        private static int EHEnumInit(void* iterator, void* methodInfo, void* ehEnum) => NotOurDispatcher("RhpEHEnumInitFromStackFrameIterator");

        [RuntimeExport("RhpEHEnumNext")]
        private static int EHEnumNext(void* ehEnum, void* clause) => NotOurDispatcher("RhpEHEnumNext");

        [RuntimeExport("BuddyOS_CoreLibFuncletCalled")]
        private static void CoreLibFuncletCalled() => NotOurDispatcher("RhpCall*Funclet");

        private static int NotOurDispatcher(string what)
        {
            Panic.Fail("runtime: CoreLib's exception dispatcher reached " + what + " (BuddyOS dispatches exceptions itself)", 0);
            return 0;
        }

        [RuntimeExport("RhCreateCrashDumpIfEnabled")]
        private static void CreateCrashDumpIfEnabled(void* exceptionRecord, void* context) { }

        [RuntimeExport("RhGetCrashInfoBuffer")]
        private static byte* CrashInfoBuffer(int* maxSize)
        {
            *maxSize = 0;
            return null;
        }

        // Environment.FailFast and CoreLib's own fatal errors end here, after CoreLib printed its message to
        // standard error (the console): the panic adds where, then stops the machine.
        [RuntimeExport("SystemNative_Abort")]
        private static void Abort() => Panic.Fail("runtime: abort (Environment.FailFast or a fatal runtime error; its message is above)", 0);

        [RuntimeExport("SystemNative_LogError")]
        private static void LogError(byte* message)
        {
            ConsoleDevice.Write("runtime error: ");
            for (byte* p = message; p != null && *p != 0; p++)
                ConsoleDevice.Write((char)*p);
            ConsoleDevice.WriteLine();
        }
    }
}
