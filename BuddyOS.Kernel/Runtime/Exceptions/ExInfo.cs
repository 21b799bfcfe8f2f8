// One exception being dispatched. It lives in ExceptionDispatcher.Dispatch's stack frame for as long
// as the dispatch does (through every funclet it runs, the catch included), and the dispatches in
// progress form a chain from ExceptionDispatcher.InFlight, innermost first. The exception object is
// referenced from here: a conservative stack scan sees it, and so does anyone walking InFlight.
namespace BuddyOS.Kernel.Exceptions
{
    internal unsafe struct ExInfo
    {
        public ExInfo* Previous;
        public object Exception;
        public RegisterContext ThrowSite;
        public ulong FaultVector;        // the CPU exception this one comes from, or NoFault
        public ulong FaultAddress;       // CR2 of a page fault

        public const ulong NoFault = ulong.MaxValue;

        // The funclet this dispatch is running now (FuncletSp == 0: none). A throw inside the funclet
        // unwinds to the funclet frame's CFA, FuncletSp, and continues in FuncletParent after FuncletClause.
        public ulong FuncletSp;
        public EhClauseKind FuncletKind;
        public uint FuncletClause;
        public RegisterContext FuncletParent;
    }
}
