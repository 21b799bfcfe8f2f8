; IDT for the 32 CPU exception vectors and the 16 legacy PIC IRQs, remapped to vectors 32-47
; (Interrupts/Pic.cs). An exception stub builds one frame and hands it to the C# panic
; (BuddyOS_CpuExceptionPanic), which may turn it into a .NET exception (HardwareExceptions.cs).
; An IRQ stub saves every register the C# handler may clobber (SSE included), calls BuddyOS_Irq and irets.

global idt_install
global BuddyOS_EnableInterrupts
global BuddyOS_DisableInterrupts
global BuddyOS_WaitForInterrupt
global BuddyOS_InterruptsEnabled
extern BuddyOS_CpuExceptionPanic
extern BuddyOS_Irq

IRQ_BASE equ 32
IRQ_COUNT equ 16
VECTORS equ IRQ_BASE + IRQ_COUNT

bits 64
section .text

; Vectors for which the CPU pushes an error code itself.
%define HAS_ERROR(v) ((v) == 8 || (v) == 10 || (v) == 11 || (v) == 12 || (v) == 13 || (v) == 14 || (v) == 17 || (v) == 21 || (v) == 29 || (v) == 30)

%macro ISR 1
isr_%1:
%if HAS_ERROR(%1) == 0
    push 0                              ; uniform frame: fake error code
%endif
    push %1
    jmp isr_common
%endmacro

%assign v 0
%rep 32
ISR v
%assign v v + 1
%endrep

%macro IRQ 1
isr_%1:
    push %1
    jmp irq_common
%endmacro

%rep IRQ_COUNT
IRQ v
%assign v v + 1
%endrep

; The interrupted code keeps every register: the C# handler follows the SysV ABI, which lets it clobber
; rax rcx rdx rsi rdi r8-r11 and all of xmm (RyuJIT uses xmm to zero frames), so those are saved here.
; No red zone to protect: RyuJIT and the kernel's asm never use memory below rsp.
irq_common:
    push rax
    push rcx
    push rdx
    push rsi
    push rdi
    push r8
    push r9
    push r10
    push r11
    push rbp
    mov rbp, rsp
    and rsp, -16
    sub rsp, 512
    fxsave [rsp]                        ; x87 + SSE state, 512 bytes, 16-byte aligned
    mov rdi, [rbp + 80]                 ; the vector the stub pushed
    call BuddyOS_Irq
    fxrstor [rsp]
    mov rsp, rbp
    pop rbp
    pop r11
    pop r10
    pop r9
    pop r8
    pop rdi
    pop rsi
    pop rdx
    pop rcx
    pop rax
    add rsp, 8                          ; the vector
    iretq

; Frame on the stack after the pushes below (low to high address):
; r15 r14 r13 r12 r11 r10 r9 r8 rbp rdi rsi rdx rcx rbx rax | vector error | rip cs rflags rsp ss
isr_common:
    push rax
    push rbx
    push rcx
    push rdx
    push rsi
    push rdi
    push rbp
    push r8
    push r9
    push r10
    push r11
    push r12
    push r13
    push r14
    push r15
    mov rdi, rsp                        ; ExceptionFrame*
    mov rsi, cr2
    and rsp, -16                        ; ABI alignment for the C# call
    call BuddyOS_CpuExceptionPanic      ; never returns
.halt:
    cli
    hlt
    jmp .halt

idt_install:
    lea rsi, [rel isr_table]
    lea rdi, [rel idt]
    xor ecx, ecx
.loop:
    mov rax, [rsi + rcx * 8]
    mov [rdi], ax                       ; offset 0..15
    mov word [rdi + 2], 0x08            ; kernel code selector
    mov byte [rdi + 4], 0               ; IST: none
    mov byte [rdi + 5], 0x8E            ; present, DPL 0, 64-bit interrupt gate
    shr rax, 16
    mov [rdi + 6], ax                   ; offset 16..31
    shr rax, 16
    mov [rdi + 8], eax                  ; offset 32..63
    mov dword [rdi + 12], 0
    add rdi, 16
    inc ecx
    cmp ecx, VECTORS
    jne .loop
    lidt [rel idt_pointer]
    ret

BuddyOS_EnableInterrupts:
    sti
    ret

BuddyOS_DisableInterrupts:              ; -> whether they were enabled before
    pushfq
    pop rax
    shr eax, 9
    and eax, 1
    cli
    ret

BuddyOS_InterruptsEnabled:
    pushfq
    pop rax
    shr eax, 9
    and eax, 1
    ret

; Called with interrupts off after the caller found nothing to do: sti's one-instruction shadow makes
; sti; hlt atomic, so an interrupt that arrives in between still wakes the hlt. Returns with them on.
BuddyOS_WaitForInterrupt:
    sti
    hlt
    ret

section .rodata
align 8
isr_table:
%assign v 0
%rep VECTORS
    dq isr_ %+ v
%assign v v + 1
%endrep

idt_pointer:
    dw VECTORS * 16 - 1
    dq idt

section .bss
align 16
idt: resb VECTORS * 16
