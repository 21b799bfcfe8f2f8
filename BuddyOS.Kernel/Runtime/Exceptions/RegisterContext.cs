// A frame's state as the unwinder sees it: where it is (Ip, Sp) and the registers a call preserves
// (SysV x86-64: rbx, rbp, r12-r15). Boot/exceptions.asm fills one at every throw; the field order is
// the asm's (CTX_* offsets there).
namespace BuddyOS.Kernel.Exceptions
{
    internal struct RegisterContext
    {
        public ulong Ip;         // a return address, or the faulting instruction when IpIsExact != 0
        public ulong Sp;         // rsp in this frame (after the call at Ip returned)
        public ulong Rbp, Rbx, R12, R13, R14, R15;
        public ulong IpIsExact;  // 1 only for the frame a CPU exception interrupted

        // The address whose FDE and try ranges this frame is in: a call that ends a method or a try block
        // returns past it, so a return address is looked up one byte back.
        public ulong LookupIp => IpIsExact != 0 ? Ip : Ip - 1;
    }
}
