// Unwinds one frame with its DWARF call frame information: runs the CIE's and the FDE's CFI programs
// up to the frame's address, which gives the CFA (the caller's rsp) and where the return address and
// the saved callee-saved registers are. Frameless and leaf methods unwind the same way as rbp frames.
// Only call sites and faulting instructions are unwound: ilc emits no epilogue CFI.
namespace BuddyOS.Kernel.Exceptions
{
    internal static unsafe class CfiUnwinder
    {
        // DWARF x86-64 register numbers (System V psABI, figure 3.36).
        private const int Rbx = 3, Rbp = 6, Rsp = 7, R12 = 12, R13 = 13, R14 = 14, R15 = 15, ReturnAddress = 16;
        private const int Registers = 17;
        private const int MaxRememberedStates = 2;   // ilc's CFI never remembers a state (no epilogue CFI)

        private const byte RuleSame = 0, RuleOffset = 1, RuleUndefined = 2;

        private static RowState s_initialRow;
        private static byte* s_initialRowProgram;

        private struct RowState
        {
            public ulong CfaRegister;
            public long CfaOffset;
            public fixed byte Rule[Registers];
            public fixed int Offset[Registers];    // from the CFA, in bytes
        }

        private struct Interpreter
        {
            public RowState Row;
            public RowState Initial;                // for DW_CFA_restore
            public int Depth;
            public RowState Saved0, Saved1;
        }

        // Replaces `context` with its caller's: Ip = return address, Sp = CFA, saved registers reloaded.
        // Returns false (and leaves `context` alone) when the CFI uses something this unwinder does not do.
        public static bool Unwind(ref FrameDescription fde, RegisterContext* context)
        {
            Interpreter state = default;
            ulong target = context->LookupIp;
            // Every FDE starts from its CIE's row; ilc has one CIE, so run its program once.
            if (fde.CieProgram != s_initialRowProgram)
            {
                state.Row.CfaRegister = Rsp;
                if (!Run(ref state, ref fde, fde.CieProgram, fde.CieProgramEnd, ulong.MaxValue))
                    return false;
                s_initialRow = state.Row;
                s_initialRowProgram = fde.CieProgram;
            }
            state.Row = s_initialRow;
            state.Initial = s_initialRow;
            if (!Run(ref state, ref fde, fde.Program, fde.ProgramEnd, target))
                return false;

            ulong cfa = Read(context, (int)state.Row.CfaRegister) + (ulong)state.Row.CfaOffset;
            if (state.Row.Rule[ReturnAddress] != RuleOffset)
                return false;
            RegisterContext caller = *context;
            caller.Ip = *(ulong*)(cfa + (ulong)state.Row.Offset[ReturnAddress]);
            caller.Sp = cfa;
            caller.IpIsExact = 0;
            caller.Rbx = Restore(ref state.Row, Rbx, cfa, context->Rbx);
            caller.Rbp = Restore(ref state.Row, Rbp, cfa, context->Rbp);
            caller.R12 = Restore(ref state.Row, R12, cfa, context->R12);
            caller.R13 = Restore(ref state.Row, R13, cfa, context->R13);
            caller.R14 = Restore(ref state.Row, R14, cfa, context->R14);
            caller.R15 = Restore(ref state.Row, R15, cfa, context->R15);
            *context = caller;
            return true;
        }

        private static ulong Restore(ref RowState row, int register, ulong cfa, ulong current) =>
            row.Rule[register] == RuleOffset ? *(ulong*)(cfa + (ulong)row.Offset[register]) : current;

        private static ulong Read(RegisterContext* context, int register)
        {
            switch (register)
            {
                case Rsp: return context->Sp;
                case Rbp: return context->Rbp;
                case Rbx: return context->Rbx;
                case R12: return context->R12;
                case R13: return context->R13;
                case R14: return context->R14;
                case R15: return context->R15;
                default:
                    Panic.Fail("exceptions: CFA based on a register the unwinder does not track", (ulong)register);
                    return 0;
            }
        }

        private static void SetOffset(ref RowState row, ulong register, long offset)
        {
            if (register < Registers)
            {
                row.Rule[(int)register] = RuleOffset;
                row.Offset[(int)register] = (int)offset;
            }
        }

        private static void SetRule(ref RowState row, ulong register, byte rule)
        {
            if (register < Registers)
                row.Rule[(int)register] = rule;
        }

        // Executes CFI until the row's location passes `target`. Returns false on an unsupported opcode.
        private static bool Run(ref Interpreter state, ref FrameDescription fde, byte* p, byte* end, ulong target)
        {
            ulong location = fde.Start;
            while (p < end)
            {
                byte op = *p++;
                byte high = (byte)(op & 0xC0), low = (byte)(op & 0x3F);
                ulong advance = 0;
                if (high == 0x40)
                    advance = low * fde.CodeAlign;                                          // DW_CFA_advance_loc
                else if (high == 0x80)
                    SetOffset(ref state.Row, low, (long)Dwarf.ReadUleb(ref p) * fde.DataAlign);   // DW_CFA_offset
                else if (high == 0xC0)
                    RestoreInitial(ref state, low);                                          // DW_CFA_restore
                else
                {
                    switch (op)
                    {
                        case 0x00: break;                                                   // nop
                        case 0x02: advance = *p++ * fde.CodeAlign; break;                   // advance_loc1
                        case 0x03: advance = *(ushort*)p * fde.CodeAlign; p += 2; break;    // advance_loc2
                        case 0x04: advance = *(uint*)p * fde.CodeAlign; p += 4; break;      // advance_loc4
                        case 0x05:                                                          // offset_extended
                        {
                            ulong register = Dwarf.ReadUleb(ref p);
                            SetOffset(ref state.Row, register, (long)Dwarf.ReadUleb(ref p) * fde.DataAlign);
                            break;
                        }
                        case 0x06: RestoreInitial(ref state, Dwarf.ReadUleb(ref p)); break; // restore_extended
                        case 0x07: SetRule(ref state.Row, Dwarf.ReadUleb(ref p), RuleUndefined); break;
                        case 0x08: SetRule(ref state.Row, Dwarf.ReadUleb(ref p), RuleSame); break;
                        case 0x0A:                                                          // remember_state
                            if (state.Depth == MaxRememberedStates)
                                return false;
                            Slot(ref state, state.Depth++) = state.Row;
                            break;
                        case 0x0B:                                                          // restore_state
                        {
                            if (state.Depth == 0)
                                return false;
                            // The CFA rule is not part of the saved state per DWARF 5, but GNU tools save it too.
                            state.Row = Slot(ref state, --state.Depth);
                            break;
                        }
                        case 0x0C:                                                          // def_cfa
                            state.Row.CfaRegister = Dwarf.ReadUleb(ref p);
                            state.Row.CfaOffset = (long)Dwarf.ReadUleb(ref p);
                            break;
                        case 0x0D: state.Row.CfaRegister = Dwarf.ReadUleb(ref p); break;    // def_cfa_register
                        case 0x0E: state.Row.CfaOffset = (long)Dwarf.ReadUleb(ref p); break; // def_cfa_offset
                        case 0x11:                                                          // offset_extended_sf
                        {
                            ulong register = Dwarf.ReadUleb(ref p);
                            SetOffset(ref state.Row, register, Dwarf.ReadSleb(ref p) * fde.DataAlign);
                            break;
                        }
                        case 0x12:                                                          // def_cfa_sf
                            state.Row.CfaRegister = Dwarf.ReadUleb(ref p);
                            state.Row.CfaOffset = Dwarf.ReadSleb(ref p) * fde.DataAlign;
                            break;
                        case 0x13: state.Row.CfaOffset = Dwarf.ReadSleb(ref p) * fde.DataAlign; break;
                        default:
                            return false;                                                   // expressions, register rules
                    }
                }
                if (advance != 0)
                {
                    location += advance;
                    if (location > target)
                        return true;
                }
            }
            return true;
        }

        private static void RestoreInitial(ref Interpreter state, ulong register)
        {
            if (register >= Registers)
                return;
            state.Row.Rule[(int)register] = state.Initial.Rule[(int)register];
            state.Row.Offset[(int)register] = state.Initial.Offset[(int)register];
        }

        private static ref RowState Slot(ref Interpreter state, int index)
        {
            if (index == 0)
                return ref state.Saved0;
            return ref state.Saved1;
        }
    }
}
