; The framebuffer console's storage: its bitmap font, a PSF file from Debian's console-setup-linux (the csproj's
; KernelFont; licence in LICENSES/console-font.txt), unpacked at build time and embedded as it is, and the
; cells of its text grid (static, as the console works before the heap exists).
bits 64

CONSOLE_MAX_CELLS equ 256 * 128         ; FramebufferConsole.MaxColumns * MaxRows

section .rodata
align 16
console_font:
    incbin "console-font.psf"
console_font_end:

section .bss
align 16
console_cells:
    resw CONSOLE_MAX_CELLS

section .text
global BuddyOS_ConsoleFont
BuddyOS_ConsoleFont:                    ; () -> the font's first byte
    lea rax, [rel console_font]
    ret

global BuddyOS_ConsoleFontSize
BuddyOS_ConsoleFontSize:                ; () -> its length in bytes
    mov eax, console_font_end - console_font
    ret

global BuddyOS_ConsoleCells
BuddyOS_ConsoleCells:                   ; () -> CONSOLE_MAX_CELLS ushorts
    lea rax, [rel console_cells]
    ret
