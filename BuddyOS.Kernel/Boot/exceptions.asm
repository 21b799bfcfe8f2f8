; Exception entry points and funclet calls (the C# side is Runtime/Exceptions/).
; A RegisterContext (Runtime/Exceptions/RegisterContext.cs) is 9 qwords, in this order:
;   Ip, Sp, Rbp, Rbx, R12, R13, R14, R15, IpIsExact
; Funclet ABI (checked on ilc 10 output, see README "Exceptions"): rbp = the parent frame's rbp, the
; other callee-saved registers loaded from the parent's unwound context, rsp 16-aligned at the call;
; catch and filter get the exception in rdi; funclets clobber callee-saved registers without saving.

bits 64
section .text

extern BuddyOS_DispatchThrow
extern BuddyOS_DispatchRethrow
extern BuddyOS_PopExceptionsBelow
extern __eh_frame_hdr_start
extern __eh_frame_hdr_end
extern __ksyms_start
extern __ksyms_end

%define CTX_IP      0
%define CTX_SP      8
%define CTX_RBP     16
%define CTX_RBX     24
%define CTX_R12     32
%define CTX_R13     40
%define CTX_R14     48
%define CTX_R15     56
%define CTX_EXACT   64
%define CTX_SIZE    72

; The throw site's context: its return address, its rsp once the call returns, its callee-saved registers.
; Expects rsp = entry rsp - 88 (context at [rsp]); clobbers rax, rcx.
%macro CAPTURE_THROW_SITE 0
    mov rax, [rsp + 88]                 ; return address into the throwing method
    lea rcx, [rsp + 96]                 ; the thrower's rsp after the call
    mov [rsp + CTX_IP], rax
    mov [rsp + CTX_SP], rcx
    mov [rsp + CTX_RBP], rbp
    mov [rsp + CTX_RBX], rbx
    mov [rsp + CTX_R12], r12
    mov [rsp + CTX_R13], r13
    mov [rsp + CTX_R14], r14
    mov [rsp + CTX_R15], r15
    mov qword [rsp + CTX_EXACT], 0
%endmacro

; void RhpThrowEx(object exception): `throw x;` compiles to `mov rdi, x; call RhpThrowEx`. Never returns.
global RhpThrowEx
RhpThrowEx:
    sub rsp, 88                         ; context (72) + pad: entry rsp is 8 mod 16, this makes it 0
    CAPTURE_THROW_SITE
    mov rsi, rsp                        ; (object exception, RegisterContext* site)
    call BuddyOS_DispatchThrow
    int3

; void RhpRethrow(): `throw;` in a catch; no argument, the dispatcher knows the exception being handled.
global RhpRethrow
RhpRethrow:
    sub rsp, 88
    CAPTURE_THROW_SITE
    mov rdi, rsp                        ; (RegisterContext* site)
    call BuddyOS_DispatchRethrow
    int3

; void BuddyOS_CaptureCallerContext(RegisterContext* context): the context of the frame that called this
; helper (its return address, its rsp after the call returns, its callee-saved registers), where a stack walk
; can start.
global BuddyOS_CaptureCallerContext
BuddyOS_CaptureCallerContext:
    mov rax, [rsp]
    lea rcx, [rsp + 8]
    mov [rdi + CTX_IP], rax
    mov [rdi + CTX_SP], rcx
    mov [rdi + CTX_RBP], rbp
    mov [rdi + CTX_RBX], rbx
    mov [rdi + CTX_R12], r12
    mov [rdi + CTX_R13], r13
    mov [rdi + CTX_R14], r14
    mov [rdi + CTX_R15], r15
    mov qword [rdi + CTX_EXACT], 0
    ret

; int BuddyOS_CallFunclet(void* funclet, RegisterContext* parent, object exception, ulong* funcletSp)
; Runs a finally/fault or filter funclet as part of the parent frame and returns its eax (a filter's
; verdict). *funcletSp receives the funclet frame's CFA, by which a throw inside it finds its parent.
global BuddyOS_CallFunclet
BuddyOS_CallFunclet:
    push rbp                            ; the dispatcher's own callee-saved registers: funclets clobber them
    push rbx
    push r12
    push r13
    push r14
    push r15
    sub rsp, 8                          ; 6 pushes left rsp 8 mod 16
    mov rax, rdi
    mov rdi, rdx
    mov rbp, [rsi + CTX_RBP]
    mov rbx, [rsi + CTX_RBX]
    mov r12, [rsi + CTX_R12]
    mov r13, [rsi + CTX_R13]
    mov r14, [rsi + CTX_R14]
    mov r15, [rsi + CTX_R15]
    mov [rcx], rsp
    call rax
global BuddyOS_FuncletReturn
BuddyOS_FuncletReturn:                  ; the return address every finally/filter frame unwinds to
    add rsp, 8
    pop r15
    pop r14
    pop r13
    pop r12
    pop rbx
    pop rbp
    ret

; void BuddyOS_AbortFilter(ulong funcletSp): an exception escaped a filter. Drop everything the filter
; left on the stack and return 0 ("do not catch") from its BuddyOS_CallFunclet.
global BuddyOS_AbortFilter
BuddyOS_AbortFilter:
    mov rsp, rdi
    xor eax, eax
    jmp BuddyOS_FuncletReturn

; void BuddyOS_CallCatchFunclet(void* funclet, RegisterContext* parent, object exception,
;                               ulong* funcletSp, ulong resumeSp, ulong enableInterrupts)
; Runs the catch funclet, which returns where the parent continues; then forgets the exceptions whose
; dispatch frames lie below resumeSp, sets rsp = resumeSp and jumps there with the registers as the
; funclet left them (they are the parent's). Never returns.
global BuddyOS_CallCatchFunclet
BuddyOS_CallCatchFunclet:
    push r8                             ; [rsp + 16] resumeSp
    push r9                             ; [rsp + 8]  enableInterrupts
    sub rsp, 8                          ; [rsp]      resume address, later; rsp is 0 mod 16 now
    mov rax, rdi
    mov rdi, rdx
    mov rbp, [rsi + CTX_RBP]
    mov rbx, [rsi + CTX_RBX]
    mov r12, [rsi + CTX_R12]
    mov r13, [rsi + CTX_R13]
    mov r14, [rsi + CTX_R14]
    mov r15, [rsi + CTX_R15]
    mov [rcx], rsp
    call rax
global BuddyOS_CatchFuncletReturn
BuddyOS_CatchFuncletReturn:             ; the return address every catch frame unwinds to
    mov [rsp], rax
    mov rdi, [rsp + 16]
    call BuddyOS_PopExceptionsBelow     ; C#, so rbx, rbp, r12-r15 survive it
    mov rax, [rsp]
    mov rcx, [rsp + 8]
    mov rsp, [rsp + 16]
    test rcx, rcx
    jz .resume
    sti                                 ; the catch resumed from a CPU exception that interrupted code with IF=1
.resume:
    jmp rax

; ulong BuddyOS_ReadFlags(): RFLAGS, for the self-test that checks IF after a catch from a CPU fault.
global BuddyOS_ReadFlags
BuddyOS_ReadFlags:
    pushfq
    pop rax
    ret

; Addresses the C# side compares return addresses with, and the tables the linker placed.
global BuddyOS_FuncletReturnAddress
BuddyOS_FuncletReturnAddress:
    lea rax, [rel BuddyOS_FuncletReturn]
    ret

global BuddyOS_CatchFuncletReturnAddress
BuddyOS_CatchFuncletReturnAddress:
    lea rax, [rel BuddyOS_CatchFuncletReturn]
    ret

global BuddyOS_EhFrameHdrStart
BuddyOS_EhFrameHdrStart:
    lea rax, [rel __eh_frame_hdr_start]
    ret

global BuddyOS_EhFrameHdrEnd
BuddyOS_EhFrameHdrEnd:
    lea rax, [rel __eh_frame_hdr_end]
    ret

global BuddyOS_SymbolsStart
BuddyOS_SymbolsStart:
    lea rax, [rel __ksyms_start]
    ret

global BuddyOS_SymbolsEnd
BuddyOS_SymbolsEnd:
    lea rax, [rel __ksyms_end]
    ret
