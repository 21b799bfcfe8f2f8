// Walks managed frames from a throw site towards kmain, one FDE and one CFI unwind per step. Two
// things end a walk: the frame of a method native code called (kmain: a reverse P/Invoke) and code
// without unwind info. A funclet frame unwinds into the asm helper that called it; the iterator then
// jumps to the funclet's parent frame as the dispatcher recorded it (ExInfo), or, for a filter, stops
// there: an exception does not leave a filter.
using System.Runtime;
using System.Runtime.CompilerServices;

namespace BuddyOS.Kernel.Exceptions
{
    internal enum WalkEnd : byte
    {
        None,
        Bottom,          // unwound kmain (or __managed__Startup): no managed caller is left
        UnknownCode,     // a return address outside code with unwind info
        FilterBoundary,  // reached the filter funclet that was running when this exception was thrown
        BadUnwindInfo,   // CFI the unwinder does not support
    }

    // What the passes need of one frame: its registers, its method's EH info, the clause skipping rule.
    // Pass 1 keeps one per frame so pass 2 does not unwind the same frames again.
    internal unsafe struct FrameRecord
    {
        public RegisterContext Context;
        public MethodEhInfo Method;
        public uint SkipThroughClause;

        // Offset of this frame's address in its method body: what try ranges are compared with.
        public uint CodeOffset => (uint)(Context.LookupIp - Method.BodyStart);
    }

    internal unsafe struct StackFrameIterator
    {
        [RuntimeImport("BuddyOS_FuncletReturnAddress")]
        [MethodImpl(MethodImplOptions.InternalCall)]
        private static extern ulong FuncletReturnAddress();

        [RuntimeImport("BuddyOS_CatchFuncletReturnAddress")]
        [MethodImpl(MethodImplOptions.InternalCall)]
        private static extern ulong CatchFuncletReturnAddress();

        public RegisterContext Context;
        public FrameDescription Frame;
        public MethodEhInfo Method;
        // For a frame reached across a funclet boundary: the clause whose funclet was running. The
        // search resumes after it and after the clauses of the same try (uint.MaxValue: no skipping).
        public uint SkipThroughClause;
        public WalkEnd End;
        public ExInfo* Boundary;       // the dispatch whose filter stopped the walk (End == FilterBoundary)

        public bool Init(RegisterContext* start)
        {
            Context = *start;
            SkipThroughClause = uint.MaxValue;
            End = WalkEnd.None;
            Boundary = null;
            return Load();
        }

        public void Save(FrameRecord* record)
        {
            record->Context = Context;
            record->Method = Method;
            record->SkipThroughClause = SkipThroughClause;
        }

        public bool Next()
        {
            if (Method.IsReversePInvoke)
                return Stop(WalkEnd.Bottom);
            RegisterContext* context = (RegisterContext*)Unsafe.AsPointer(ref Context);
            if (!CfiUnwinder.Unwind(ref Frame, context))
                return Stop(WalkEnd.BadUnwindInfo);
            SkipThroughClause = uint.MaxValue;
            if (Context.Ip == FuncletReturnAddress() || Context.Ip == CatchFuncletReturnAddress())
            {
                ExInfo* owner = ExceptionDispatcher.FindFuncletOwner(Context.Sp);
                if (owner == null)
                    Panic.Fail("exceptions: a funclet frame no dispatch is running; its CFA", Context.Sp);
                if (owner->FuncletKind == EhClauseKind.Filter)
                {
                    Boundary = owner;
                    return Stop(WalkEnd.FilterBoundary);
                }
                Context = owner->FuncletParent;
                SkipThroughClause = owner->FuncletClause;
            }
            return Load();
        }

        private bool Load()
        {
            if (!EhFrameTable.Find(Context.LookupIp, out Frame))
                return Stop(WalkEnd.UnknownCode);
            Method = MethodEhInfo.Read(ref Frame);
            return true;
        }

        private bool Stop(WalkEnd why)
        {
            End = why;
            return false;
        }
    }
}
