; IDT for the 32 CPU exception vectors. Every stub builds the same frame and hands it to the C#
; panic (BuddyOS_CpuExceptionPanic), which prints vector, error code, RIP, CR2 and registers.
; There are no IRQ handlers: interrupts stay disabled for the kernel's whole life.

global idt_install
extern BuddyOS_CpuExceptionPanic

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
    cmp ecx, 32
    jne .loop
    lidt [rel idt_pointer]
    ret

section .rodata
align 8
isr_table:
%assign v 0
%rep 32
    dq isr_ %+ v
%assign v v + 1
%endrep

idt_pointer:
    dw 32 * 16 - 1
    dq idt

section .bss
align 16
idt: resb 32 * 16
