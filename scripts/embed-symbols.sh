#!/usr/bin/env bash
# embed-symbols.sh PRELINKED.elf OUT.o
# Makes the object that carries the kernel's code symbols into its own .ksyms section, for the stack traces of
# panics (Kernel/SymbolTable.cs): .symtab is not loaded by GRUB, so the names must live inside the image.
# The kernel is linked twice: once without the table (PRELINKED.elf), then with OUT.o. .ksyms lies after all
# code (Boot/linker.ld), so adding it moves no code address and the table made from the first link holds for
# the second; the build checks that (--check).
# Format: `nm -n` lines "ADDRESS NAME\n" (16 hex digits, ascending), then a NUL.
#   embed-symbols.sh --check FINAL.elf TABLE   exits 1 when FINAL's code symbols differ from TABLE
set -euo pipefail

table_of() {
    # Text symbols only (t/T, w/W for weak code): names for code addresses.
    nm -n --defined-only "$1" | awk '$2 ~ /^[tTwW]$/ { print $1, $3 }'
}

if [ "${1:-}" = --check ]; then
    if ! cmp -s <(table_of "$2"; printf '\0') "$3"; then
        echo "embed-symbols: $2's code symbols moved after the second link (a section between code and .ksyms?)" >&2
        exit 1
    fi
    exit 0
fi
if [ $# -ne 2 ]; then
    echo "usage: $0 PRELINKED.elf OUT.o | --check FINAL.elf TABLE" >&2
    exit 2
fi
table="${2%.o}.txt"
{ table_of "$1"; printf '\0'; } > "$table"
objcopy -I binary -O elf64-x86-64 -B i386:x86-64 \
    --rename-section .data=.ksyms,alloc,load,readonly,data,contents --set-section-alignment .ksyms=16 "$table" "$2"
