// CPU exceptions that .NET turns into exception objects, as NativeAOT does on Unix:
//   #PF at an address below 4 KiB in managed code -> NullReferenceException (null checks are implicit:
//       ilc emits `cmp [reg], reg`, and page 0 is unmapped);
//   #DE in managed code -> DivideByZeroException when the divisor is 0, else OverflowException
//       (only MinValue / -1 overflows: ilc emits a bare `cdq; idiv`).
// Everything else (and any fault inside the dispatcher, inside an interrupt handler, or outside managed
// code) stays the panic.
using System;

namespace BuddyOS.Kernel.Exceptions
{
    internal static unsafe class HardwareExceptions
    {
        private const ulong DivideError = 0, PageFault = 14;
        private const ulong NullArea = 4096;            // NativeAOT's NULL_AREA_SIZE on Unix
        private const ulong InterruptFlag = 1UL << 9;

        private static bool s_converting;               // a fault while allocating the exception object

        // The interface dispatch stub's first instruction reads the receiver's MethodTable (Boot/runtime.asm): a null
        // receiver faults there, before the stub touched the stack, so the fault belongs to the call site.
        [System.Runtime.RuntimeImport("BuddyOS_DispatchNullCheckAddress")]
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.InternalCall)]
        private static extern ulong DispatchNullCheckAddress();

        // Returns only when the fault stays a panic.
        public static void TryDispatch(ExceptionFrame* frame, ulong cr2)
        {
            if (ExceptionDispatcher.IsDispatching || s_converting || Interrupts.Irq.InHandler)
                return;
            if (frame->Vector != DivideError && !(frame->Vector == PageFault && cr2 < NullArea))
                return;
            RegisterContext site = FaultSite(frame);
            if (frame->Vector == PageFault && frame->Rip == DispatchNullCheckAddress())
            {
                site.Ip = *(ulong*)frame->Rsp;          // the interface call's return address
                site.Sp = frame->Rsp + 8;
                site.IpIsExact = 0;
            }
            if (!EhFrameTable.Find(site.LookupIp, out FrameDescription _))
                return;                                 // asm or firmware code: not .NET semantics
            s_converting = true;
            object exception;
            if (frame->Vector == PageFault)
                exception = new NullReferenceException();
            else if (DivisorIsZero(frame))
                exception = new DivideByZeroException();
            else
                exception = new OverflowException();
            s_converting = false;

            ExceptionDispatcher.DispatchFault(exception, &site, (frame->Rflags & InterruptFlag) != 0, frame->Vector, cr2);
        }

        // The interrupted frame as the unwinder sees it: its Ip is the faulting instruction itself.
        public static RegisterContext FaultSite(ExceptionFrame* frame)
        {
            RegisterContext site = default;
            site.Ip = frame->Rip;
            site.Sp = frame->Rsp;
            site.Rbp = frame->Rbp;
            site.Rbx = frame->Rbx;
            site.R12 = frame->R12;
            site.R13 = frame->R13;
            site.R14 = frame->R14;
            site.R15 = frame->R15;
            site.IpIsExact = 1;
            return site;
        }

        // Decodes the faulting `div`/`idiv` (F6/F7 /6 or /7) and reads its divisor. An instruction it
        // does not recognise counts as a zero divisor, the common case.
        private static bool DivisorIsZero(ExceptionFrame* frame)
        {
            byte* ip = (byte*)frame->Rip;
            bool operand16 = false;
            byte rex = 0;
            for (; ; ip++)
            {
                if (*ip == 0x66)
                    operand16 = true;
                else if (*ip >= 0x40 && *ip <= 0x4F)
                    rex = *ip;
                else
                    break;
            }
            byte opcode = *ip++;
            byte modrm = *ip++;
            int reg = (modrm >> 3) & 7, mod = modrm >> 6, rm = modrm & 7;
            if ((opcode != 0xF6 && opcode != 0xF7) || (reg != 6 && reg != 7))
                return true;
            int size = opcode == 0xF6 ? 1 : (rex & 0x08) != 0 ? 8 : operand16 ? 2 : 4;

            ulong divisor;
            if (mod == 3)
                divisor = Register(frame, rm + ((rex & 1) != 0 ? 8 : 0));
            else
            {
                ulong address;
                if (rm == 4)
                {
                    byte sib = *ip++;
                    int scale = sib >> 6, index = ((sib >> 3) & 7) + ((rex & 2) != 0 ? 8 : 0), baseReg = sib & 7;
                    address = index == 4 ? 0 : Register(frame, index) << scale;
                    if (baseReg == 5 && mod == 0)
                    {
                        address += (ulong)(long)*(int*)ip;
                        ip += 4;
                    }
                    else
                        address += Register(frame, baseReg + ((rex & 1) != 0 ? 8 : 0));
                }
                else if (rm == 5 && mod == 0)
                {
                    address = (ulong)(ip + 4) + (ulong)(long)*(int*)ip;   // rip-relative: from the next instruction
                    ip += 4;
                }
                else
                    address = Register(frame, rm + ((rex & 1) != 0 ? 8 : 0));
                if (mod == 1)
                    address += (ulong)(long)*(sbyte*)ip;
                else if (mod == 2)
                    address += (ulong)(long)*(int*)ip;
                divisor = *(ulong*)address;
            }
            ulong mask = size == 8 ? ulong.MaxValue : (1UL << (8 * size)) - 1;
            return (divisor & mask) == 0;
        }

        private static ulong Register(ExceptionFrame* frame, int number)
        {
            switch (number)
            {
                case 0: return frame->Rax;
                case 1: return frame->Rcx;
                case 2: return frame->Rdx;
                case 3: return frame->Rbx;
                case 4: return frame->Rsp;
                case 5: return frame->Rbp;
                case 6: return frame->Rsi;
                case 7: return frame->Rdi;
                case 8: return frame->R8;
                case 9: return frame->R9;
                case 10: return frame->R10;
                case 11: return frame->R11;
                case 12: return frame->R12;
                case 13: return frame->R13;
                case 14: return frame->R14;
                default: return frame->R15;
            }
        }
    }
}
