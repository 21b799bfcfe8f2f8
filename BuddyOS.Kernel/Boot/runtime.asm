; Runtime glue the NativeAOT-generated code calls by symbol name, plus the few instructions C#
; cannot express (port I/O, rdtsc, cpuid, hlt). Reached from C# via [RuntimeImport].

bits 64
section .text

extern BuddyOS_FailFastPanic
extern BuddyOS_CoreLibFuncletCalled
extern RhpCidResolve
extern __modules_start
extern __modules_end
extern __image_start
extern __image_end
extern __bss_start
extern GetRuntimeException, RuntimeFailFast, ThreadEntryPoint, AppendExceptionStackFrame
extern GetSystemArrayEEType, OnFirstChanceException, OnUnhandledException

; --- Write barriers. The collector neither moves objects nor has generations (no card table to mark),
; so a reference store is a plain store. ---
global RhpAssignRef
global RhpCheckedAssignRef
RhpAssignRef:
RhpCheckedAssignRef:
    mov [rdi], rsi
    ret

; rdi = destination, rsi = source; both advance by 8 (the JIT relies on that). Trashes rcx only.
global RhpByRefAssignRef
RhpByRefAssignRef:
    mov rcx, [rsi]
    mov [rdi], rcx
    add rdi, 8
    add rsi, 8
    ret

; --- Thread/GC transitions: one thread, and a collection happens only inside an allocation or GC.Collect
; on that thread, so there is never another thread to wait for and nothing to do. ---
global RhpGcPoll
global RhpStackProbe
global RhpPInvoke
global RhpPInvokeReturn
global RhpReversePInvoke
global RhpReversePInvokeReturn
RhpGcPoll:
RhpStackProbe:                          ; no guard pages: nothing to touch ahead of a large frame
RhpPInvoke:
RhpPInvokeReturn:
RhpReversePInvoke:
RhpReversePInvokeReturn:
    ret

; --- throw: RhpThrowEx, RhpRethrow and the funclet helpers live in Boot/exceptions.asm. CoreLib's own
; dispatcher (never used: the kernel dispatches exceptions itself) references these three: a panic. ---
global RhpCallCatchFunclet
global RhpCallFilterFunclet
global RhpCallFinallyFunclet
RhpCallCatchFunclet:
RhpCallFilterFunclet:
RhpCallFinallyFunclet:
    call BuddyOS_CoreLibFuncletCalled
    int3

global RhpFallbackFailFast
RhpFallbackFailFast:
    mov rdi, [rsp]
    jmp BuddyOS_FailFastPanic

; --- Interface dispatch (Runtime/InterfaceDispatch.cs). Call sites do `lea r11, [cell]; call [r11]`; every
; cell's first word points here. A hit in the direct-mapped cache of (cell, MethodTable) -> target costs a
; load, a hash and two compares; a miss calls CoreLib's RhpCidResolve with a transition block (the argument
; registers, `this` at +0x10) and jumps where it says. Only rax, r10 and r11 are touched before the jump.
DISPATCH_CACHE_ENTRIES equ 1024         ; a power of two; 24 bytes each: cell, MethodTable, target
global RhpInitialDynamicInterfaceDispatch
global BuddyOS_DispatchNullCheck
RhpInitialDynamicInterfaceDispatch:
BuddyOS_DispatchNullCheck:              ; a null receiver faults here: HardwareExceptions blames the caller
    mov rax, [rdi]                      ; the receiver's MethodTable
    mov r10, rax
    xor r10, r11
    shr r10, 4
    and r10d, DISPATCH_CACHE_ENTRIES - 1
    imul r10d, r10d, 24
    lea r10, [r10 + dispatch_cache]
    cmp [r10], r11
    jne .miss
    cmp [r10 + 8], rax
    jne .miss
    jmp [r10 + 16]
.miss:
    sub rsp, 0xc8                       ; 8 xmm + the transition block; rsp is 16-aligned again
    movdqa [rsp + 0x00], xmm0
    movdqa [rsp + 0x10], xmm1
    movdqa [rsp + 0x20], xmm2
    movdqa [rsp + 0x30], xmm3
    movdqa [rsp + 0x40], xmm4
    movdqa [rsp + 0x50], xmm5
    movdqa [rsp + 0x60], xmm6
    movdqa [rsp + 0x70], xmm7
    mov [rsp + 0x90], rdi               ; transition block at rsp + 0x80: return block (16), then rdi..r9
    mov [rsp + 0x98], rsi
    mov [rsp + 0xa0], rdx
    mov [rsp + 0xa8], rcx
    mov [rsp + 0xb0], r8
    mov [rsp + 0xb8], r9
    lea rdi, [rsp + 0x80]
    mov rsi, r11
    call RhpCidResolve
    movdqa xmm0, [rsp + 0x00]
    movdqa xmm1, [rsp + 0x10]
    movdqa xmm2, [rsp + 0x20]
    movdqa xmm3, [rsp + 0x30]
    movdqa xmm4, [rsp + 0x40]
    movdqa xmm5, [rsp + 0x50]
    movdqa xmm6, [rsp + 0x60]
    movdqa xmm7, [rsp + 0x70]
    mov rdi, [rsp + 0x90]
    mov rsi, [rsp + 0x98]
    mov rdx, [rsp + 0xa0]
    mov rcx, [rsp + 0xa8]
    mov r8, [rsp + 0xb0]
    mov r9, [rsp + 0xb8]
    add rsp, 0xc8
    jmp rax

global BuddyOS_DispatchNullCheckAddress
BuddyOS_DispatchNullCheckAddress:
    lea rax, [rel BuddyOS_DispatchNullCheck]
    ret

global BuddyOS_InterfaceDispatchStub
BuddyOS_InterfaceDispatchStub:
    lea rax, [rel RhpInitialDynamicInterfaceDispatch]
    ret

global BuddyOS_DispatchCache
BuddyOS_DispatchCache:
    lea rax, [rel dispatch_cache]
    ret

global BuddyOS_DispatchCacheMask
BuddyOS_DispatchCacheMask:
    mov eax, DISPATCH_CACHE_ENTRIES - 1
    ret

; --- Machine access for C#. ---
global BuddyOS_Outb
BuddyOS_Outb:                           ; (ushort port, byte value)
    mov edx, edi
    mov eax, esi
    out dx, al
    ret

global BuddyOS_Inb
BuddyOS_Inb:                            ; (ushort port) -> byte
    mov edx, edi
    xor eax, eax
    in al, dx
    ret

global BuddyOS_Outd
BuddyOS_Outd:                           ; (ushort port, uint value)
    mov edx, edi
    mov eax, esi
    out dx, eax
    ret

; The heap's bit scans (BuddyOS.Heap/Bits.cs in the kernel build): bsf/bsr exist on every x86-64 CPU, where
; tzcnt/lzcnt need BMI1/LZCNT. Both leave the destination undefined for zero, so zero is answered first.
global BuddyOS_TrailingZeros
BuddyOS_TrailingZeros:                  ; (ulong x) -> int: index of the lowest set bit, 64 for zero
    mov eax, 64
    test rdi, rdi
    jz .zero
    bsf rax, rdi
.zero:
    ret

global BuddyOS_HighestBit
BuddyOS_HighestBit:                     ; (ulong x) -> int: index of the highest set bit, -1 for zero
    mov eax, -1
    test rdi, rdi
    jz .zero
    bsr rax, rdi
.zero:
    ret

global BuddyOS_Rdrand
BuddyOS_Rdrand:                         ; (ulong* value) -> 1 when the CPU delivered a random number, else 0
    xor eax, eax
    rdrand rdx
    jnc .failed
    mov [rdi], rdx
    mov eax, 1
.failed:
    ret

global BuddyOS_Rdtsc
BuddyOS_Rdtsc:                          ; () -> ulong; lfence keeps earlier work from drifting past it
    lfence
    rdtsc
    shl rdx, 32
    or rax, rdx
    ret

global BuddyOS_Cpuid
BuddyOS_Cpuid:                          ; (uint leaf, uint* out4) : eax ebx ecx edx
    push rbx
    mov eax, edi
    mov r8, rsi
    xor ecx, ecx
    cpuid
    mov [r8], eax
    mov [r8 + 4], ebx
    mov [r8 + 8], ecx
    mov [r8 + 12], edx
    pop rbx
    ret

global BuddyOS_HaltForever
BuddyOS_HaltForever:                    ; interrupts off, halt; NMIs wake hlt, so loop
    cli
.again:
    hlt
    jmp .again

global BuddyOS_Reboot
BuddyOS_Reboot:
    cli
    mov al, 0xFE                        ; 8042 command: pulse the CPU reset line
    out 0x64, al
                                        ; if it did not: a triple fault
global BuddyOS_TripleFault
BuddyOS_TripleFault:                    ; crash=triple_fault: an empty IDT, then any interrupt is a triple fault
    cli
    lidt [rel .no_idt]
    int3
    jmp $
.no_idt:
    dw 0
    dq 0

global BuddyOS_SpinForever
BuddyOS_SpinForever:                    ; crash=hang: a busy loop the host's timeout must catch
    cli
    jmp $

global BuddyOS_ModulesStart
BuddyOS_ModulesStart:
    lea rax, [rel __modules_start]
    ret

global BuddyOS_ModulesEnd
BuddyOS_ModulesEnd:
    lea rax, [rel __modules_end]
    ret

global BuddyOS_ImageBase
BuddyOS_ImageBase:
    lea rax, [rel __image_start]
    ret

global BuddyOS_BssStart
BuddyOS_BssStart:
    lea rax, [rel __bss_start]
    ret

global BuddyOS_ImageEnd
BuddyOS_ImageEnd:
    lea rax, [rel __image_end]
    ret

; CoreLib's start-up takes the classlib functions as a table indexed by ClassLibFunctionId
; (Runtime/Startup.cs passes 12 entries).
global BuddyOS_ClasslibFunctions
BuddyOS_ClasslibFunctions:
    lea rax, [rel classlib_functions]
    ret

section .data
align 8
classlib_functions:
    dq GetRuntimeException              ; 0
    dq RuntimeFailFast                  ; 1
    dq ThreadEntryPoint                 ; 2
    dq AppendExceptionStackFrame        ; 3
    dq 0                                ; 4 (unused)
    dq GetSystemArrayEEType             ; 5
    dq OnFirstChanceException           ; 6
    dq OnUnhandledException             ; 7
    dq 0, 0, 0, 0                       ; 8-11 Objective-C interop: none

; Read by the generated code: no thread is ever asked to stop (GC polls test it), and the stack-protector
; cookie is a constant (one address space gains nothing from randomising it).
; The CPU features the generated code may test before taking a faster path (SSSE3, SSE4.x, AVX...): none
; claimed, so CoreLib runs its SSE2 paths on every CPU (AVX would also need XSAVE state enabled).
global g_cpuFeatures
global RhpTrapThreads
global __security_cookie
g_cpuFeatures:      dd 0, 0
RhpTrapThreads:     dd 0, 0
__security_cookie:  dq 0x2B992DDFA232D1E5

section .bss
align 64
dispatch_cache:     resb DISPATCH_CACHE_ENTRIES * 24
