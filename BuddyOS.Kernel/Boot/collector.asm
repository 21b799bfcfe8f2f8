; The collector's machine-level half: spill the callee-saved registers where the conservative stack scan
; sees them, scrub the dead stack below, and hand the collector the lowest live stack address. Plus the
; collector's own memory (object bits, mark bits, mark stack), kept in .bss like the heap's metadata.

bits 64
section .text

extern BuddyOS_CollectFromStack
extern boot_stack_bottom
extern boot_stack_top

; The 4 MiB heap at 16-byte granules: 32 KiB of object bits, 32 KiB of mark bits, the root ranges, then the
; mark stack (the rest: about 1,000 entries; it recovers from overflow), 1.76% of the heap in all.
; Collector.Initialize checks that this is enough for the heap it is given.
COLLECTOR_METADATA_SIZE equ 72 * 1024
; How much dead stack below the spill a collection zeroes: stale words there cannot keep garbage alive
; in a later collection whose frames reuse that memory.
SCRUB_BYTES equ 16 * 1024

; void BuddyOS_Collect(): GC.Collect itself, so that no managed frame (whose padding slots could hold stale
; words) lies between the caller and the spill. The stack limit is the one Roots set.
global BuddyOS_Collect
BuddyOS_Collect:
    mov rdi, [rel BuddyOS_CollectorStackLimit]
    jmp BuddyOS_SpillRegistersAndCollect

; nuint BuddyOS_SpillRegistersAndCollect(byte* stackLimit)
;   stackLimit: the lowest address of the current stack; the scrub never goes below it.
; Returns what BuddyOS_CollectFromStack returns (bytes reclaimed).
global BuddyOS_SpillRegistersAndCollect
BuddyOS_SpillRegistersAndCollect:
    push rbx                            ; RyuJIT keeps references in callee-saved registers across calls:
    push rbp                            ; once pushed, they are stack words like any other
    push r12
    push r13
    push r14
    push r15
    ; zero [max(stackLimit, rsp - SCRUB_BYTES), rsp)
    lea rdx, [rsp - SCRUB_BYTES]
    cmp rdx, rdi
    cmovb rdx, rdi
    mov rcx, rsp
    sub rcx, rdx
    jbe .scrubbed
    shr rcx, 3
    mov rdi, rdx
    xor eax, eax
    cld
    rep stosq
.scrubbed:
    mov rdi, rsp                        ; the lowest live word: the spilled r15
    sub rsp, 8                          ; 6 pushes + return address: realign to 16 for the call
    call BuddyOS_CollectFromStack
    add rsp, 8
    pop r15
    pop r14
    pop r13
    pop r12
    pop rbp
    pop rbx
    ret

global BuddyOS_BootStackBottom
BuddyOS_BootStackBottom:
    lea rax, [rel boot_stack_bottom]
    ret

global BuddyOS_BootStackTop
BuddyOS_BootStackTop:
    lea rax, [rel boot_stack_top]
    ret

global BuddyOS_CollectorMetadata
BuddyOS_CollectorMetadata:
    lea rax, [rel collector_metadata]
    ret

global BuddyOS_CollectorMetadataEnd
BuddyOS_CollectorMetadataEnd:
    lea rax, [rel collector_metadata_end]
    ret

global BuddyOS_SetCollectorStackLimit
BuddyOS_SetCollectorStackLimit:         ; (byte* limit)
    mov [rel BuddyOS_CollectorStackLimit], rdi
    ret

section .data
align 8
BuddyOS_CollectorStackLimit: dq 0       ; the lowest address of the stack being run on

section .bss
align 4096
collector_metadata:
    resb COLLECTOR_METADATA_SIZE
collector_metadata_end:
