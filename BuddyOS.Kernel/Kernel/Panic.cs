// Every way the kernel can die ends here: a CPU exception .NET does not map to an exception, an
// exception nothing catches, a fault inside the exception dispatcher, a runtime failure, running out
// of heap. It prints what happened and where on screen and COM1, then exits QEMU with the panic
// status (or halts on real hardware). Never a silent reboot, never status 0.
// Nothing here allocates: the heap may be the thing that failed.
using System;
using System.Runtime;
using BuddyOS.Kernel.Drivers;
using BuddyOS.Kernel.Exceptions;
using BuddyOS.Kernel.Runtime;

namespace BuddyOS.Kernel
{
    // The frame Boot/interrupts.asm builds: pushed registers, then vector and error code, then what
    // the CPU pushed (RIP, CS, RFLAGS, RSP, SS).
    internal struct ExceptionFrame
    {
        public ulong R15, R14, R13, R12, R11, R10, R9, R8, Rbp, Rdi, Rsi, Rdx, Rcx, Rbx, Rax;
        public ulong Vector, ErrorCode;
        public ulong Rip, Cs, Rflags, Rsp, Ss;
    }

    internal static unsafe class Panic
    {
        private static bool s_panicking;

        private static void Begin(string headline)
        {
            BuddyOS.Kernel.Interrupts.Irq.Disable();   // no handler runs between here and the halt
            if (s_panicking)
            {
                // A fault while printing a panic: stop right here rather than recurse.
                QemuExit.ExitAndHalt(QemuExit.Panicked);
            }
            s_panicking = true;
            ConsoleDevice.WriteLine();
            ConsoleDevice.SetColor(VgaText.WhiteOnRed);
            ConsoleDevice.Write("*** KERNEL PANIC: ");
            ConsoleDevice.Write(headline);
            ConsoleDevice.WriteLine(" ***");
            ConsoleDevice.ResetColor();
        }

        private static void End()
        {
            ConsoleDevice.WriteLine("System halted.");
            QemuExit.ExitAndHalt(QemuExit.Panicked);
        }

        public static void Fail(string what, ulong value)
        {
            Begin(what);
            ConsoleDevice.Write("value: ");
            ConsoleDevice.WriteHex(value);
            ConsoleDevice.WriteLine();
            End();
        }

        // collected: a collection ran just before the last try; what it gave back is printed.
        public static void OutOfMemory(ulong size, ulong alignment, string status, bool collected)
        {
            Begin("out of memory");
            ConsoleDevice.Write("allocation of ");
            ConsoleDevice.WriteDecimal(size);
            ConsoleDevice.Write(" bytes, alignment ");
            ConsoleDevice.WriteDecimal(alignment);
            ConsoleDevice.Write(", failed: ");
            ConsoleDevice.WriteLine(status);
            if (collected)
            {
                ConsoleDevice.Write("the collection before the last try freed ");
                ConsoleDevice.WriteDecimal(BuddyOS.Kernel.GarbageCollection.Collector.LastBytesReclaimed);
                ConsoleDevice.Write(" bytes (");
                ConsoleDevice.WriteDecimal(BuddyOS.Kernel.GarbageCollection.Collector.LastObjectsReclaimed);
                ConsoleDevice.Write(" objects); the heap holds ");
                ConsoleDevice.WriteDecimal((ulong)KernelHeap.Statistics.HeldBytes);
                ConsoleDevice.Write(" bytes, largest free block ");
                ConsoleDevice.WriteDecimal((ulong)KernelHeap.Statistics.LargestFreeBlock);
                ConsoleDevice.WriteLine(" bytes");
            }
            End();
        }

        // Pass 1 found no handler: the exception, what stopped the search, and the stack from the throw.
        public static void UnhandledException(ExInfo* info, string why)
        {
            Begin("unhandled exception");
            WriteException(info->Exception);
            if (info->FaultVector != ExInfo.NoFault)
            {
                ConsoleDevice.Write("cause:     CPU exception ");
                ConsoleDevice.Write(VectorName(info->FaultVector));
                if (info->FaultVector == 14)
                {
                    ConsoleDevice.Write(" at address ");
                    ConsoleDevice.WriteHex(info->FaultAddress);
                }
                ConsoleDevice.WriteLine();
            }
            ConsoleDevice.Write("search:    ");
            ConsoleDevice.WriteLine(why);
            WriteStackTrace(&info->ThrowSite);
            End();
        }

        // A throw or a CPU fault while the dispatcher's own code ran: never dispatched again.
        public static void DispatcherFailure(string what, object exception, ulong ip)
        {
            Begin("fault inside the exception dispatcher");
            ConsoleDevice.WriteLine(what);
            if (exception != null)
                WriteException(exception);
            ConsoleDevice.Write("at: ");
            ConsoleDevice.WriteHex(ip);
            ConsoleDevice.Write(" ");
            SymbolTable.WriteName(ip - 1, ip);
            ConsoleDevice.WriteLine();
            End();
        }

        private static void WriteException(object exception)
        {
            Exception e = exception as Exception;
            ConsoleDevice.Write("exception: ");
            if ((object)e == null)
                ConsoleDevice.WriteLine("(an object that is not a System.Exception)");
            else
                WriteTypeName(e);
            if ((object)e != null)
            {
                ConsoleDevice.Write("message:   ");
                ConsoleDevice.WriteLine(e.Message);
            }
        }

        // The type's full name from reflection metadata; if that fails (it allocates), its MethodTable's address.
        private static void WriteTypeName(object obj)
        {
            try
            {
                ConsoleDevice.WriteLine(obj.GetType().FullName);
            }
            catch
            {
                ConsoleDevice.Write("(type name unavailable) MethodTable ");
                ConsoleDevice.WriteHex((ulong)MethodTable.Of(obj));
                ConsoleDevice.WriteLine();
            }
        }

        // One line per managed frame, innermost first, with the function's name from the symbol table.
        private static void WriteStackTrace(RegisterContext* site)
        {
            ConsoleDevice.WriteLine("stack trace:");
            StackFrameIterator frames = default;
            int shown = 0;
            for (bool more = frames.Init(site); more && shown < 64; more = frames.Next(), shown++)
            {
                ConsoleDevice.Write("  at ");
                SymbolTable.WriteName(frames.Context.LookupIp, frames.Context.Ip);
                ConsoleDevice.Write(" (");
                ConsoleDevice.WriteHex(frames.Context.Ip);
                ConsoleDevice.WriteLine(frames.Method.IsFunclet ? ", funclet)" : ")");
            }
            if (shown == 64)
                ConsoleDevice.WriteLine("  ... (more frames)");
            else if (frames.End == WalkEnd.UnknownCode || frames.End == WalkEnd.BadUnwindInfo)
            {
                // Where the walk stopped: asm code (a stub, the boot code) has no unwind information.
                ConsoleDevice.Write("  at ");
                SymbolTable.WriteName(frames.Context.LookupIp, frames.Context.Ip);
                ConsoleDevice.Write(" (");
                ConsoleDevice.WriteHex(frames.Context.Ip);
                ConsoleDevice.WriteLine(frames.End == WalkEnd.UnknownCode ? ", no unwind information: the walk ends)" : ", unsupported CFI: the walk ends)");
            }
        }

        [RuntimeExport("BuddyOS_FailFastPanic")]
        private static void FailFast(ulong returnAddress)
        {
            Begin("runtime fail-fast");
            ConsoleDevice.Write("called from: ");
            ConsoleDevice.WriteHex(returnAddress);
            ConsoleDevice.WriteLine();
            End();
        }

        [RuntimeExport("BuddyOS_CpuExceptionPanic")]
        private static void CpuException(ExceptionFrame* frame, ulong cr2)
        {
            HardwareExceptions.TryDispatch(frame, cr2);   // returns only if the fault stays a panic
            Begin(BuddyOS.Kernel.Interrupts.Irq.InHandler ? "CPU exception inside an interrupt handler"
                : ExceptionDispatcher.IsDispatching ? "CPU exception inside the exception dispatcher" : "CPU exception");
            ConsoleDevice.Write("vector ");
            ConsoleDevice.WriteDecimal(frame->Vector);
            ConsoleDevice.Write(": ");
            ConsoleDevice.WriteLine(VectorName(frame->Vector));
            ConsoleDevice.Write("error code: ");
            ConsoleDevice.WriteHex(frame->ErrorCode, 8);
            ConsoleDevice.WriteLine();
            ConsoleDevice.Write("in: ");
            SymbolTable.WriteName(frame->Rip, frame->Rip);
            ConsoleDevice.WriteLine();
            ConsoleDevice.Write("RIP: ");
            ConsoleDevice.WriteHex(frame->Rip);
            ConsoleDevice.Write("  RSP: ");
            ConsoleDevice.WriteHex(frame->Rsp);
            ConsoleDevice.Write("  RFLAGS: ");
            ConsoleDevice.WriteHex(frame->Rflags, 8);
            ConsoleDevice.WriteLine();
            if (frame->Vector == 14)
            {
                ConsoleDevice.Write("CR2 (faulting address): ");
                ConsoleDevice.WriteHex(cr2);
                ConsoleDevice.WriteLine();
                ConsoleDevice.Write("access: ");
                ConsoleDevice.Write((frame->ErrorCode & 1) != 0 ? "protection violation" : "page not present");
                ConsoleDevice.Write((frame->ErrorCode & 2) != 0 ? ", write" : ", read");
                ConsoleDevice.WriteLine((frame->ErrorCode & 16) != 0 ? ", instruction fetch" : "");
                if (cr2 < 4096)
                    ConsoleDevice.WriteLine("(an address in page 0: a null dereference)");
            }
            WriteRegisterLine("RAX", frame->Rax, "RBX", frame->Rbx, "RCX", frame->Rcx);
            WriteRegisterLine("RDX", frame->Rdx, "RSI", frame->Rsi, "RDI", frame->Rdi);
            WriteRegisterLine("RBP", frame->Rbp, "R8 ", frame->R8, "R9 ", frame->R9);
            WriteRegisterLine("R10", frame->R10, "R11", frame->R11, "R12", frame->R12);
            WriteRegisterLine("R13", frame->R13, "R14", frame->R14, "R15", frame->R15);
            // Last: if the walk itself faults, the panic above is already on screen.
            RegisterContext site = HardwareExceptions.FaultSite(frame);
            if (EhFrameTable.Find(site.Ip, out FrameDescription _))
                WriteStackTrace(&site);
            End();
        }

        private static void WriteRegisterLine(string a, ulong av, string b, ulong bv, string c, ulong cv)
        {
            ConsoleDevice.Write(a); ConsoleDevice.Write("="); ConsoleDevice.WriteHex(av);
            ConsoleDevice.Write(" "); ConsoleDevice.Write(b); ConsoleDevice.Write("="); ConsoleDevice.WriteHex(bv);
            ConsoleDevice.Write(" "); ConsoleDevice.Write(c); ConsoleDevice.Write("="); ConsoleDevice.WriteHex(cv);
            ConsoleDevice.WriteLine();
        }

        private static string VectorName(ulong vector)
        {
            switch (vector)
            {
                case 0: return "#DE divide error";
                case 1: return "#DB debug";
                case 2: return "NMI";
                case 3: return "#BP breakpoint";
                case 4: return "#OF overflow";
                case 5: return "#BR bound range exceeded";
                case 6: return "#UD invalid opcode";
                case 7: return "#NM device not available";
                case 8: return "#DF double fault";
                case 9: return "coprocessor segment overrun";
                case 10: return "#TS invalid TSS";
                case 11: return "#NP segment not present";
                case 12: return "#SS stack-segment fault";
                case 13: return "#GP general protection fault";
                case 14: return "#PF page fault";
                case 16: return "#MF x87 floating-point error";
                case 17: return "#AC alignment check";
                case 18: return "#MC machine check";
                case 19: return "#XM SIMD floating-point exception";
                case 20: return "#VE virtualization exception";
                case 21: return "#CP control protection";
                case 28: return "#HV hypervisor injection";
                case 29: return "#VC VMM communication";
                case 30: return "#SX security exception";
                default: return "reserved";
            }
        }
    }
}
