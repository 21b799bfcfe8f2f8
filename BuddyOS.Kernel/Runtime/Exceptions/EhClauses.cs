// ilc's exception clause tables. Each FDE's augmentation points at an LSDA in .dotnet_eh_table:
//   body:    byte flags, [i32 rel -> associated data], [i32 rel -> __ehinfo], GcInfo...
//   funclet: byte flags, i32 rel -> the body's LSDA, u32 funclet offset from the body start
// flags: &3 kind (0 body, 1 handler, 2 filter), 0x04 has EH info, 0x08 reverse P/Invoke (native code
// calls it: kmain), 0x10 has associated data. __ehinfo is a VarInt count, then per clause, innermost
// first: VarInt tryStart, VarInt (tryLength << 2 | kind), VarInt handler offset, then for a typed
// catch an i32 relative pointer to the MethodTable, for a filter a VarInt filter offset.
// Checked against ilc 10 output and dotnet/runtime (README "Exceptions" says which files).
using BuddyOS.Kernel.Runtime;

namespace BuddyOS.Kernel.Exceptions
{
    internal enum EhClauseKind : byte
    {
        Typed = 0,     // catch (T): T's MethodTable; `catch {}` is a typed catch of Object
        Fault = 1,     // finally and fault blocks alike
        Filter = 2,    // catch ... when (...): the filter funclet also does the type test
    }

    internal unsafe struct EhClause
    {
        public uint TryStart, TryEnd;     // [TryStart, TryEnd) from the body start
        public EhClauseKind Kind;
        public uint HandlerOffset;        // the handler funclet, from the body start
        public uint FilterOffset;         // Filter only
        public MethodTable* CatchType;    // Typed only

        public bool Contains(uint offset) => offset >= TryStart && offset < TryEnd;
        public bool SameTry(ref EhClause other) => TryStart == other.TryStart && TryEnd == other.TryEnd;
    }

    // What the LSDA says about the code one FDE covers.
    internal unsafe struct MethodEhInfo
    {
        private const byte KindMask = 0x03, HasEhInfo = 0x04, ReversePInvoke = 0x08, HasAssociatedData = 0x10;

        public ulong BodyStart;           // start of the method body (a funclet's parent method for a funclet)
        public byte FuncletKind;          // 0 body, 1 catch/finally funclet, 2 filter funclet
        public bool IsReversePInvoke;     // called from native code: the managed walk ends after this frame
        public byte* EhInfo;              // null: no clauses

        public bool IsFunclet => FuncletKind != 0;

        public static MethodEhInfo Read(ref FrameDescription fde)
        {
            MethodEhInfo info = default;
            info.BodyStart = fde.Start;
            byte* lsda = fde.Lsda;
            if (lsda == null)
                return info;
            info.FuncletKind = (byte)(*lsda & KindMask);
            if (info.FuncletKind != 0)
            {
                byte* body = lsda + 1 + *(int*)(lsda + 1);
                info.BodyStart = fde.Start - *(uint*)(lsda + 5);
                lsda = body;
                if ((*lsda & KindMask) != 0)
                    Panic.Fail("exceptions: a funclet's LSDA points at another funclet's; LSDA", (ulong)lsda);
            }
            byte flags = *lsda;
            info.IsReversePInvoke = (flags & ReversePInvoke) != 0;
            byte* p = lsda + 1;
            if ((flags & HasAssociatedData) != 0)
                p += 4;
            if ((flags & HasEhInfo) != 0)
                info.EhInfo = p + *(int*)p;
            return info;
        }
    }

    // Walks one method's clauses in table order (innermost first).
    internal unsafe struct EhClauseReader
    {
        private byte* _next;
        private uint _remaining;
        private ulong _bodyStart;
        public uint Index;                // index of the clause Next returned last

        public EhClauseReader(ref MethodEhInfo method)
        {
            _next = method.EhInfo;
            _remaining = _next == null ? 0 : ReadVarInt(ref _next);
            _bodyStart = method.BodyStart;
            Index = uint.MaxValue;
        }

        public bool Next(out EhClause clause)
        {
            clause = default;
            if (_remaining == 0)
                return false;
            _remaining--;
            Index++;
            clause.TryStart = ReadVarInt(ref _next);
            uint lengthAndKind = ReadVarInt(ref _next);
            clause.TryEnd = clause.TryStart + (lengthAndKind >> 2);
            clause.Kind = (EhClauseKind)(lengthAndKind & 3);
            clause.HandlerOffset = ReadVarInt(ref _next);
            if (clause.Kind == EhClauseKind.Typed)
            {
                clause.CatchType = (MethodTable*)(_next + *(int*)_next);
                _next += 4;
            }
            else if (clause.Kind == EhClauseKind.Filter)
                clause.FilterOffset = ReadVarInt(ref _next);
            else if (clause.Kind != EhClauseKind.Fault)
                Panic.Fail("exceptions: unknown EH clause kind", (ulong)clause.Kind);
            return true;
        }

        public ulong Address(uint offset) => _bodyStart + offset;

        // NativeAOT's VarInt: the low bits of the first byte say the length (x0: 1 byte, 01: 2, 011: 3,
        // 0111: 4, 1111: a u32 follows); the value is the little-endian bytes shifted right by the length.
        public static uint ReadVarInt(ref byte* p)
        {
            byte first = *p;
            if ((first & 1) == 0) { p += 1; return (uint)first >> 1; }
            if ((first & 2) == 0) { uint v = (uint)(first | p[1] << 8) >> 2; p += 2; return v; }
            if ((first & 4) == 0) { uint v = (uint)(first | p[1] << 8 | p[2] << 16) >> 3; p += 3; return v; }
            if ((first & 8) == 0) { uint v = (uint)(first | p[1] << 8 | p[2] << 16 | p[3] << 24) >> 4; p += 4; return v; }
            uint value = *(uint*)(p + 1);
            p += 5;
            return value;
        }
    }
}
