; Runtime glue the NativeAOT-generated code calls by symbol name, plus the few instructions C#
; cannot express (port I/O, rdtsc, cpuid, hlt). Reached from C# via [RuntimeImport].

bits 64
section .text

extern BuddyOS_FailFastPanic
extern BuddyOS_ResolveInterfaceCall
extern __modules_start
extern __modules_end

; --- Write barriers. There is no GC, so a reference store is a plain store. ---
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

; --- Thread/GC transitions: one thread, no GC, so nothing to do. ---
global RhpGcPoll
global RhpPInvoke
global RhpPInvokeReturn
global RhpReversePInvoke
global RhpReversePInvokeReturn
RhpGcPoll:
RhpPInvoke:
RhpPInvokeReturn:
RhpReversePInvoke:
RhpReversePInvokeReturn:
    ret

; --- throw: RhpThrowEx, RhpRethrow and the funclet helpers live in Boot/exceptions.asm. ---

global RhpFallbackFailFast
RhpFallbackFailFast:
    mov rdi, [rsp]
    jmp BuddyOS_FailFastPanic

; --- Interface dispatch. Call sites do `lea r11, [cell]; call [r11]`; the cell's first word points
; here. Resolve in C# on every call (no cache), then tail-jump to the target with the caller's
; argument registers intact.
global RhpInitialDynamicInterfaceDispatch
RhpInitialDynamicInterfaceDispatch:
    push rdi
    push rsi
    push rdx
    push rcx
    push r8
    push r9
    sub rsp, 8 * 16 + 8                 ; xmm0-7, keeping rsp 16-byte aligned for the call
    movdqu [rsp + 0 * 16], xmm0
    movdqu [rsp + 1 * 16], xmm1
    movdqu [rsp + 2 * 16], xmm2
    movdqu [rsp + 3 * 16], xmm3
    movdqu [rsp + 4 * 16], xmm4
    movdqu [rsp + 5 * 16], xmm5
    movdqu [rsp + 6 * 16], xmm6
    movdqu [rsp + 7 * 16], xmm7
    mov rsi, r11                        ; (object this, InterfaceDispatchCell* cell)
    call BuddyOS_ResolveInterfaceCall
    movdqu xmm0, [rsp + 0 * 16]
    movdqu xmm1, [rsp + 1 * 16]
    movdqu xmm2, [rsp + 2 * 16]
    movdqu xmm3, [rsp + 3 * 16]
    movdqu xmm4, [rsp + 4 * 16]
    movdqu xmm5, [rsp + 5 * 16]
    movdqu xmm6, [rsp + 6 * 16]
    movdqu xmm7, [rsp + 7 * 16]
    add rsp, 8 * 16 + 8
    pop r9
    pop r8
    pop rcx
    pop rdx
    pop rsi
    pop rdi
    jmp rax

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

section .data
align 8
global RhpTrapThreads
RhpTrapThreads: dd 0                    ; GC polls test this; never set: no GC, one thread
align 8
global __security_cookie
__security_cookie: dq 0x2B992DDFA232D1E5
