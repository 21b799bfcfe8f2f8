// Every way the kernel can die ends here: a CPU exception, a C# throw (there is no unwinder), a
// runtime failure, running out of heap. It prints what happened and where on screen and COM1, then
// exits QEMU with the panic status (or halts on real hardware). Never a silent reboot, never status 0.
// Nothing here allocates: the heap may be the thing that failed.
using System;
using System.Runtime;
using BuddyOS.Kernel.Drivers;
using Internal.Runtime;

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
            if (s_panicking)
            {
                // A fault while printing a panic: stop right here rather than recurse.
                QemuExit.ExitAndHalt(QemuExit.Panicked);
            }
            s_panicking = true;
            Console.WriteLine();
            Console.SetColor(VgaText.WhiteOnRed);
            Console.Write("*** KERNEL PANIC: ");
            Console.Write(headline);
            Console.WriteLine(" ***");
            Console.ResetColor();
        }

        private static void End()
        {
            Console.WriteLine("System halted.");
            QemuExit.ExitAndHalt(QemuExit.Panicked);
        }

        public static void Fail(string what, ulong value)
        {
            Begin(what);
            Console.Write("value: ");
            Console.WriteHex(value);
            Console.WriteLine();
            End();
        }

        public static void OutOfMemory(ulong size, ulong alignment, string status)
        {
            Begin("out of memory");
            Console.Write("allocation of ");
            Console.WriteDecimal(size);
            Console.Write(" bytes, alignment ");
            Console.WriteDecimal(alignment);
            Console.Write(", failed: ");
            Console.WriteLine(status);
            End();
        }

        public static void InterfaceCallFailed(MethodTable* type, MethodTable* interfaceType, int slot)
        {
            Begin("interface call has no implementation");
            Console.Write("receiver MethodTable ");
            Console.WriteHex((ulong)type);
            Console.Write(", interface MethodTable ");
            Console.WriteHex((ulong)interfaceType);
            Console.Write(", slot ");
            Console.WriteDecimal((ulong)slot);
            Console.WriteLine();
            End();
        }

        // RhpThrowEx / RhpRethrow land here with the address just after the throwing call.
        [RuntimeExport("BuddyOS_ThrowPanic")]
        private static void Throw(object exception, ulong returnAddress)
        {
            Begin("unhandled exception (catch/finally are not supported: every throw is fatal)");
            Exception e = exception as Exception;
            if ((object)e == null)
            {
                Console.WriteLine("exception: (rethrow or non-Exception object)");
            }
            else
            {
                Console.Write("exception: ");
                Console.WriteLine(e.TypeName);
                Console.Write("message:   ");
                Console.WriteLine(e.Message);
            }
            Console.Write("thrown at: ");
            Console.WriteHex(returnAddress);
            Console.WriteLine(" (return address of the throw; addr2line -e out/kernel.elf)");
            End();
        }

        [RuntimeExport("BuddyOS_FailFastPanic")]
        private static void FailFast(ulong returnAddress)
        {
            Begin("runtime fail-fast");
            Console.Write("called from: ");
            Console.WriteHex(returnAddress);
            Console.WriteLine();
            End();
        }

        [RuntimeExport("BuddyOS_CpuExceptionPanic")]
        private static void CpuException(ExceptionFrame* frame, ulong cr2)
        {
            Begin("CPU exception");
            Console.Write("vector ");
            Console.WriteDecimal(frame->Vector);
            Console.Write(": ");
            Console.WriteLine(VectorName(frame->Vector));
            Console.Write("error code: ");
            Console.WriteHex(frame->ErrorCode, 8);
            Console.WriteLine();
            Console.Write("RIP: ");
            Console.WriteHex(frame->Rip);
            Console.Write("  RSP: ");
            Console.WriteHex(frame->Rsp);
            Console.Write("  RFLAGS: ");
            Console.WriteHex(frame->Rflags, 8);
            Console.WriteLine();
            if (frame->Vector == 14)
            {
                Console.Write("CR2 (faulting address): ");
                Console.WriteHex(cr2);
                Console.WriteLine();
                Console.Write("access: ");
                Console.Write((frame->ErrorCode & 1) != 0 ? "protection violation" : "page not present");
                Console.Write((frame->ErrorCode & 2) != 0 ? ", write" : ", read");
                Console.WriteLine((frame->ErrorCode & 16) != 0 ? ", instruction fetch" : "");
                if (cr2 < 4096)
                    Console.WriteLine("(an address in page 0: a null dereference)");
            }
            WriteRegisterLine("RAX", frame->Rax, "RBX", frame->Rbx, "RCX", frame->Rcx);
            WriteRegisterLine("RDX", frame->Rdx, "RSI", frame->Rsi, "RDI", frame->Rdi);
            WriteRegisterLine("RBP", frame->Rbp, "R8 ", frame->R8, "R9 ", frame->R9);
            WriteRegisterLine("R10", frame->R10, "R11", frame->R11, "R12", frame->R12);
            WriteRegisterLine("R13", frame->R13, "R14", frame->R14, "R15", frame->R15);
            End();
        }

        private static void WriteRegisterLine(string a, ulong av, string b, ulong bv, string c, ulong cv)
        {
            Console.Write(a); Console.Write("="); Console.WriteHex(av);
            Console.Write(" "); Console.Write(b); Console.Write("="); Console.WriteHex(bv);
            Console.Write(" "); Console.Write(c); Console.Write("="); Console.WriteHex(cv);
            Console.WriteLine();
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
