; BuddyOS boot stub: multiboot2 header, 32-bit entry, long mode, then kmain(mbi, heapBottom, heapTop).
; GRUB (BIOS or UEFI) enters _start in 32-bit protected mode, paging off, EAX = magic, EBX = info.

MB2_MAGIC       equ 0xE85250D6
MB2_ARCH_I386   equ 0
MB2_BOOT_MAGIC  equ 0x36D76289
HEAP_SIZE       equ 4 * 1024 * 1024
HEAP_META_SIZE  equ 288 * 1024           ; BuddyHeap.MetadataBytes(4 MiB, 19 orders, objectCache) = 279,936
STACK_SIZE      equ 256 * 1024
; The graphics mode asked for under UEFI: 80 x 30 cells of the 8 x 16 console font.
FB_WIDTH        equ 640
FB_HEIGHT       equ 480
FB_DEPTH        equ 32
; The kernel sees the heap through a second mapping at 512 GiB (PML4 entry 1), not at its .bss address:
; the collector scans stacks conservatively, and no small integer (a size, a count) can look like a
; pointer into a heap that high.
HEAP_VIRTUAL    equ 0x8000000000

global _start
global HEAP_BOTTOM
global HEAP_TOP
global boot_stack_bottom
global boot_stack_top
extern kmain
extern idt_install
extern __bss_start
extern __bss_end

section .multiboot2
align 8
mb2_header:
    dd MB2_MAGIC
    dd MB2_ARCH_I386
    dd mb2_header_end - mb2_header
    dd 0x100000000 - (MB2_MAGIC + MB2_ARCH_I386 + (mb2_header_end - mb2_header))
    ; Framebuffer tag, optional: under UEFI (no VGA text mode) GRUB sets this graphics mode through GOP and the
    ; kernel draws its text with a bitmap font (Drivers/FramebufferConsole.cs); under BIOS, where GRUB loads no
    ; video driver (iso/grub.cfg), it stays in VGA text mode and says so in the same tag.
    align 8
    dw 5                                ; type: framebuffer
    dw 1                                ; flags: optional
    dd 20                               ; size
    dd FB_WIDTH
    dd FB_HEIGHT
    dd FB_DEPTH
    align 8
    ; end tag
    dw 0
    dw 0
    dd 8
mb2_header_end:

section .text
bits 32
_start:
    cli
    cld
    mov esi, eax                        ; keep the magic; EBX (info) survives the code below

    ; GRUB zeroes .bss when it loads the ELF, but the stub must not rely on a loader's kindness.
    mov edi, __bss_start
    mov ecx, __bss_end
    sub ecx, edi
    shr ecx, 2
    xor eax, eax
    rep stosd

    mov esp, boot_stack_top
    cmp esi, MB2_BOOT_MAGIC
    jne .not_multiboot

    call build_page_tables

    mov eax, pml4
    mov cr3, eax
    mov eax, cr4
    or eax, 1 << 5                      ; PAE
    mov cr4, eax
    mov ecx, 0xC0000080                 ; EFER
    rdmsr
    or eax, 1 << 8                      ; LME
    wrmsr
    mov eax, cr0
    or eax, (1 << 31) | 1               ; PG | PE
    mov cr0, eax

    lgdt [gdt64.pointer]
    jmp gdt64.code:long_mode_entry

.not_multiboot:
    ; Not loaded by a multiboot2 loader: say so on VGA and stop.
    mov dword [0xB8000], 0x4F4E4F4E     ; "NN" white on red
    hlt
    jmp .not_multiboot

; Identity map of the first 4 GiB with 2 MiB pages, except the first 2 MiB which use 4 KiB pages so
; that page 0 can stay unmapped: a null dereference is a #PF instead of silently reading the IVT.
build_page_tables:
    mov eax, pdpt
    or eax, 3                           ; present | writable
    mov [pml4], eax

    xor ecx, ecx                        ; PDPT[0..3] -> four page directories
.pdpt_loop:
    mov eax, ecx
    shl eax, 12
    add eax, page_dirs
    or eax, 3
    mov [pdpt + ecx * 8], eax
    inc ecx
    cmp ecx, 4
    jne .pdpt_loop

    xor ecx, ecx                        ; 2048 PDEs of 2 MiB each; entry n maps n * 2 MiB
.pd_loop:
    mov eax, ecx
    shl eax, 21
    or eax, 0x83                        ; present | writable | 2 MiB page
    mov edx, ecx
    shr edx, 11                         ; bits 32.. of n * 2 MiB (n < 2048 keeps this 0..0)
    mov [page_dirs + ecx * 8], eax
    mov [page_dirs + ecx * 8 + 4], edx
    inc ecx
    cmp ecx, 2048
    jne .pd_loop

    mov eax, page_table_low             ; first 2 MiB through a 4 KiB table
    or eax, 3
    mov [page_dirs], eax
    mov dword [page_dirs + 4], 0
    mov ecx, 1                          ; entry 0 stays zero: page 0 not present
.pt_loop:
    mov eax, ecx
    shl eax, 12
    or eax, 3
    mov [page_table_low + ecx * 8], eax
    inc ecx
    cmp ecx, 512
    jne .pt_loop

    ; HEAP_VIRTUAL .. +4 MiB -> HEAP_BOTTOM .. HEAP_TOP in 4 KiB pages (the region is only 4096-aligned).
    mov eax, pdpt_heap
    or eax, 3
    mov [pml4 + 8 * (HEAP_VIRTUAL >> 39)], eax
    mov eax, pd_heap
    or eax, 3
    mov [pdpt_heap], eax
    xor ecx, ecx                        ; one page table per 2 MiB of heap
.heap_pd_loop:
    mov eax, ecx
    shl eax, 12
    add eax, page_tables_heap
    or eax, 3
    mov [pd_heap + ecx * 8], eax
    inc ecx
    cmp ecx, HEAP_SIZE >> 21
    jne .heap_pd_loop
    xor ecx, ecx
.heap_pt_loop:
    mov eax, ecx
    shl eax, 12
    add eax, HEAP_BOTTOM
    or eax, 3
    mov [page_tables_heap + ecx * 8], eax
    inc ecx
    cmp ecx, HEAP_SIZE >> 12
    jne .heap_pt_loop
    ret

bits 64
long_mode_entry:
    mov ax, gdt64.data
    mov ds, ax
    mov es, ax
    mov ss, ax
    xor ax, ax
    mov fs, ax
    mov gs, ax
    mov rsp, boot_stack_top             ; 16-byte aligned

    ; SSE: RyuJIT zeroes frames with xorps/movaps, which #UD without this.
    mov rax, cr0
    and rax, ~(1 << 2)                  ; clear EM
    or rax, 1 << 1                      ; set MP
    mov cr0, rax
    mov rax, cr4
    or rax, (1 << 9) | (1 << 10)        ; OSFXSR | OSXMMEXCPT
    mov cr4, rax

    ; FS points at a small thread block: musl's libm objects (Runtime/Libc.cs) are built with the stack
    ; protector and read their canary at fs:0x28; fs:0 is the block's own address, as the x86-64 TLS ABI has it.
    mov rax, thread_block
    mov [thread_block], rax
    mov rcx, 0x2B992DDFA232D1E5
    mov [thread_block + 0x28], rcx
    mov ecx, 0xC0000100                 ; IA32_FS_BASE
    mov rdx, rax
    shr rdx, 32
    wrmsr

    call idt_install

    ; kmain(mbi, heapBottom, heapTop, metadata, metadataEnd, kernelEnd)
    mov edi, ebx                        ; multiboot2 info (physical == virtual)
    mov rsi, HEAP_VIRTUAL               ; the heap, as the kernel sees it
    mov rdx, HEAP_VIRTUAL + HEAP_SIZE
    mov rcx, HEAP_METADATA
    mov r8, HEAP_METADATA_END
    mov r9, __bss_end                   ; the first byte after the kernel's .bss (its last segment)
    call kmain                          ; rsp is 16-byte aligned at the call, as the ABI wants

    ; kmain never returns (it exits QEMU or halts); if it ever does, stop here.
.halt:
    cli
    hlt
    jmp .halt

global BuddyOS_HeapBottomPhysical
BuddyOS_HeapBottomPhysical:             ; () -> the .bss address behind HEAP_VIRTUAL, for the boot report
    mov eax, HEAP_BOTTOM
    ret

section .rodata
align 16
gdt64:
    dq 0
.code: equ $ - gdt64
    dq (1 << 43) | (1 << 44) | (1 << 47) | (1 << 53)           ; code, long mode
.data: equ $ - gdt64
    dq (1 << 41) | (1 << 44) | (1 << 47)                       ; data, writable
.pointer:
    dw $ - gdt64 - 1
    dq gdt64

section .bss
alignb 4096
pml4:           resb 4096
pdpt:           resb 4096
page_dirs:      resb 4 * 4096
page_table_low: resb 4096
pdpt_heap:      resb 4096
pd_heap:        resb 4096
page_tables_heap: resb (HEAP_SIZE >> 21) * 4096
thread_block:   resb 64
boot_stack_bottom:
                resb STACK_SIZE
boot_stack_top:

; The kernel heap: a plain 4 MiB of .bss, as in the classic tutorial.
alignb 4096
HEAP_BOTTOM:
    resb HEAP_SIZE
HEAP_TOP:

; The buddy heap's bookkeeping lives outside the region it manages, so the region keeps its alignment.
alignb 4096
HEAP_METADATA:
    resb HEAP_META_SIZE
HEAP_METADATA_END:

