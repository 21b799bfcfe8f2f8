// Two-pass exception dispatch over ilc's tables, the way NativeAOT defines it:
//   pass 1 walks the frames from the throw site and finds the first typed catch whose type the
//          exception is an instance of, or the first filter that says yes (filters run here, before
//          any finally below them); no handler up to kmain = the unhandled-exception panic;
//   pass 2 walks the same frames again and runs every finally/fault funclet whose try holds the
//          frame's address, innermost first, up to the catching frame (there only clauses before the
//          catch); then calls the catch funclet and resumes where it returns, with rsp = that frame's.
// A throw inside a funclet continues in the funclet's parent frame after the clause that was running
// (StackFrameIterator); one that escapes a filter makes the filter say no.
// Roots: the exception in flight is ExInfo.Exception, in Dispatch's frame, chained from InFlight.
using System;
using System.Runtime;
using System.Runtime.CompilerServices;
using BuddyOS.Kernel.Runtime;

namespace BuddyOS.Kernel.Exceptions
{
    internal static unsafe class ExceptionDispatcher
    {
        // Innermost dispatch in progress (its catch or finally may be running); null: none.
        public static ExInfo* InFlight;

        // The dispatcher's own code is running (not a funclet it called). A throw or CPU fault then is a
        // bug in the dispatcher: a panic, never a recursive dispatch.
        private static bool s_inDispatcher;

        // crash=dispatcher: fault on purpose inside pass 1, to prove that stays a panic.
        public static bool InjectFault;

        public static bool IsDispatching => s_inDispatcher;

        [RuntimeImport("BuddyOS_CallFunclet")]
        [MethodImpl(MethodImplOptions.InternalCall)]
        private static extern int CallFunclet(ulong funclet, RegisterContext* parent, object exception, ulong* funcletSp);

        [RuntimeImport("BuddyOS_CallCatchFunclet")]
        [MethodImpl(MethodImplOptions.InternalCall)]
        private static extern void CallCatchFunclet(ulong funclet, RegisterContext* parent, object exception, ulong* funcletSp, ulong resumeSp, ulong enableInterrupts);

        [RuntimeImport("BuddyOS_AbortFilter")]
        [MethodImpl(MethodImplOptions.InternalCall)]
        private static extern void AbortFilter(ulong funcletSp);

        // RhpThrowEx: `throw x;`, and every ThrowHelpers exception.
        [RuntimeExport("BuddyOS_DispatchThrow")]
        private static void Throw(object exception, RegisterContext* site)
        {
            if (s_inDispatcher)
                Panic.DispatcherFailure("an exception was thrown inside the exception dispatcher", exception, site->Ip);
            if (exception == null)
                exception = new NullReferenceException();   // `throw null;`, as .NET does
            // The catch resumes with the thrower's IF: a CPU fault inside a filter (which clears IF) must not leak.
            Dispatch(exception, site, Interrupts.Irq.Enabled, ExInfo.NoFault, 0);
        }

        // RhpRethrow: `throw;` rethrows what the innermost running catch caught.
        [RuntimeExport("BuddyOS_DispatchRethrow")]
        private static void Rethrow(RegisterContext* site)
        {
            if (s_inDispatcher)
                Panic.DispatcherFailure("`throw;` inside the exception dispatcher", null, site->Ip);
            if (InFlight == null)
                Panic.Fail("exceptions: `throw;` with no exception being handled, at", site->Ip);
            Dispatch(InFlight->Exception, site, Interrupts.Irq.Enabled, ExInfo.NoFault, 0, rethrow: true);
        }

        // A CPU exception that .NET turns into an exception object (HardwareExceptions).
        public static void DispatchFault(object exception, RegisterContext* site, bool interruptsWereEnabled, ulong vector, ulong address) =>
            Dispatch(exception, site, interruptsWereEnabled, vector, address);

        // Called by BuddyOS_CallCatchFunclet once the catch returned, and before resuming after a filter
        // that threw: the dispatches whose frames lie below the resume point are over.
        [RuntimeExport("BuddyOS_PopExceptionsBelow")]
        private static void PopBelow(ulong resumeSp)
        {
            ExInfo* info = InFlight;
            while (info != null && (ulong)info < resumeSp)
                info = info->Previous;
            InFlight = info;
            s_inDispatcher = false;
        }

        // The running dispatch whose funclet frame has this CFA (StackFrameIterator crossing a funclet).
        public static ExInfo* FindFuncletOwner(ulong funcletSp)
        {
            for (ExInfo* info = InFlight; info != null; info = info->Previous)
                if (info->FuncletSp == funcletSp)
                    return info;
            return null;
        }

        private static void Dispatch(object exception, RegisterContext* site, bool enableInterrupts, ulong faultVector, ulong faultAddress, bool rethrow = false)
        {
            s_inDispatcher = true;
            ExInfo info = default;
            info.Previous = InFlight;
            info.Exception = exception;
            info.ThrowSite = *site;
            info.FaultVector = faultVector;
            info.FaultAddress = faultAddress;
            InFlight = &info;

            // Pass 1: find the handler, keeping each frame for pass 2 (as many as fit).
            FrameRecord* records = stackalloc FrameRecord[RecordedFrames];
            FrameRecord overflow;
            int walked = 0;
            StackFrameIterator frames = default;
            uint catchIndex = uint.MaxValue;
            ulong handler = 0;
            FrameRecord* catching = null;
            for (bool more = frames.Init(&info.ThrowSite); more; more = frames.Next())
            {
                FrameRecord* record = walked < RecordedFrames ? records + walked : &overflow;
                AppendStackFrame(exception, frames.Context.Ip, walked == 0, rethrow);
                walked++;
                frames.Save(record);
                if (FindHandler(&info, record, out catchIndex, out handler))
                {
                    catching = record;
                    break;
                }
            }
            if (catching == null && frames.End != WalkEnd.FilterBoundary)
                Panic.UnhandledException(&info, WalkEndName(frames.End));
            ExInfo* abortedFilter = frames.Boundary;
            ulong catchSp = catching == null ? 0 : catching->Context.Sp;
            RegisterContext catchContext = catching == null ? default : catching->Context;

            // Pass 2: run the finally blocks on the way, innermost first; walk again only for a deep stack.
            if (walked <= RecordedFrames)
            {
                for (int i = 0; i < walked; i++)
                    if (SecondPass(&info, records + i, catchSp, catchIndex))
                        break;
            }
            else
            {
                for (bool more = frames.Init(&info.ThrowSite); more; more = frames.Next())
                {
                    frames.Save(&overflow);
                    if (SecondPass(&info, &overflow, catchSp, catchIndex))
                        break;
                }
            }

            if (catching == null)
            {
                PopBelow(abortedFilter->FuncletSp);
                AbortFilter(abortedFilter->FuncletSp);
            }
            info.FuncletKind = EhClauseKind.Typed;
            info.FuncletClause = catchIndex;
            info.FuncletParent = catchContext;
            s_inDispatcher = false;
            CallCatchFunclet(handler, &info.FuncletParent, exception, &info.FuncletSp, catchSp, enableInterrupts ? 1UL : 0UL);
            Panic.Fail("exceptions: the catch funclet call returned", handler);
        }

        // Exception.StackTrace and ToString: CoreLib records each frame pass 1 walks through (its classlib function
        // AppendExceptionStackFrame; flags: 1 = the first frame of this dispatch, which starts a new trace unless
        // it is a rethrow; 2 = the first frame of a rethrow, which replaces the rethrowing frame's entry).
        // The recording allocates, so it runs as funclets do: outside the dispatcher's own guard.
        private const int ClasslibAppendExceptionStackFrame = 3;

        private static void AppendStackFrame(object exception, ulong ip, bool firstFrame, bool rethrow)
        {
            nint append = Modules.ClasslibFunction(ClasslibAppendExceptionStackFrame);
            if (append == 0 || !(exception is Exception))
                return;
            int flags = (firstFrame ? 1 : 0) | (firstFrame && rethrow ? 2 : 0);
            s_inDispatcher = false;
            ((delegate* unmanaged<nint, nint, int, void>)append)((nint)Allocation.AddressOf(exception), (nint)ip, flags);
            s_inDispatcher = true;
        }

        // Frames pass 1 keeps for pass 2 (104 bytes each on the stack); a deeper walk is done twice.
        private const int RecordedFrames = 16;

        // The finally blocks of one frame in pass 2; true at the catching frame (catchSp == 0: none).
        private static bool SecondPass(ExInfo* info, FrameRecord* frame, ulong catchSp, uint catchIndex)
        {
            if (catchSp != 0 && frame->Context.Sp > catchSp)
                Panic.Fail("exceptions: pass 2 walked past the catching frame; SP", frame->Context.Sp);
            bool catching = catchSp != 0 && frame->Context.Sp == catchSp;
            RunFinallies(info, frame, catching ? catchIndex : uint.MaxValue);
            return catching;
        }

        // An address in page 0, which boot.asm leaves unmapped.
        private const ulong InjectedFaultAddress = 8;

        private static bool FindHandler(ExInfo* info, FrameRecord* frame, out uint index, out ulong handler)
        {
            if (InjectFault)
                *(int*)(nuint)InjectedFaultAddress = 0;
            FrameClauses clauses = new FrameClauses(frame);
            while (clauses.Next(out EhClause clause))
            {
                if (clause.Kind == EhClauseKind.Fault)
                    continue;
                bool takes;
                if (clause.Kind == EhClauseKind.Typed)
                    takes = MethodTable.Of(info->Exception)->IsSameOrSubclassOf(clause.CatchType);
                else
                    takes = RunFunclet(info, frame, EhClauseKind.Filter, clauses.Index, clauses.Address(clause.FilterOffset)) != 0;
                if (takes)
                {
                    index = clauses.Index;
                    handler = clauses.Address(clause.HandlerOffset);
                    return true;
                }
            }
            index = uint.MaxValue;
            handler = 0;
            return false;
        }

        // The frame's finally/fault funclets whose try holds its address, up to (not including) clause `limit`.
        private static void RunFinallies(ExInfo* info, FrameRecord* frame, uint limit)
        {
            FrameClauses clauses = new FrameClauses(frame);
            while (clauses.Next(out EhClause clause) && clauses.Index < limit)
                if (clause.Kind == EhClauseKind.Fault)
                    RunFunclet(info, frame, EhClauseKind.Fault, clauses.Index, clauses.Address(clause.HandlerOffset));
        }

        private static int RunFunclet(ExInfo* info, FrameRecord* frame, EhClauseKind kind, uint clause, ulong funclet)
        {
            info->FuncletKind = kind;
            info->FuncletClause = clause;
            info->FuncletParent = frame->Context;
            s_inDispatcher = false;
            int result = CallFunclet(funclet, &info->FuncletParent, info->Exception, &info->FuncletSp);
            s_inDispatcher = true;
            info->FuncletSp = 0;
            return result;
        }

        private static string WalkEndName(WalkEnd end)
        {
            switch (end)
            {
                case WalkEnd.Bottom: return "no catch up to kmain";
                case WalkEnd.UnknownCode: return "the walk reached code without unwind information";
                case WalkEnd.BadUnwindInfo: return "unwind information the unwinder does not support";
                default: return "the stack walk stopped";
            }
        }
    }

    // A frame's clauses that hold its address, in table order, minus those a funclet boundary says to
    // skip: the running clause, those before it, and those of the same try (NativeAOT's rule).
    internal unsafe struct FrameClauses
    {
        private EhClauseReader _reader;
        private uint _offset;
        private uint _skipThrough;
        private EhClause _skipped;

        public FrameClauses(FrameRecord* frame)
        {
            _reader = new EhClauseReader(ref frame->Method);
            _offset = frame->CodeOffset;
            _skipThrough = frame->SkipThroughClause;
            _skipped = default;
        }

        public uint Index => _reader.Index;

        public ulong Address(uint offset) => _reader.Address(offset);

        public bool Next(out EhClause clause)
        {
            while (_reader.Next(out clause))
            {
                if (_skipThrough != uint.MaxValue)
                {
                    if (_reader.Index <= _skipThrough)
                    {
                        _skipped = clause;
                        continue;
                    }
                    if (clause.SameTry(ref _skipped))
                        continue;
                    _skipThrough = uint.MaxValue;
                }
                if (clause.Contains(_offset))
                    return true;
            }
            return false;
        }
    }
}
