#!/usr/bin/env bash
# embed-symbols.sh KERNEL.elf
# Writes the kernel's code symbols into its own .ksyms section, for the stack traces of unhandled
# exceptions (Kernel/SymbolTable.cs). .symtab is not loaded by GRUB, so the names must live inside
# the image. Format: `nm -n` lines "ADDRESS NAME\n" (16 hex digits, ascending), then a NUL.
# The section has a fixed size (Boot/exceptions.asm), so filling it moves no address.
set -euo pipefail

if [ $# -ne 1 ]; then
    echo "usage: $0 KERNEL.elf" >&2
    exit 2
fi
elf="$1"
table="$(mktemp)"
trap 'rm -f "$table"' EXIT

# Text symbols only (t/T, w/W for weak code): names for code addresses.
nm -n --defined-only "$elf" | awk '$2 ~ /^[tTwW]$/ { print $1, $3 }' > "$table"
printf '\0' >> "$table"

capacity=$(( $(objdump -h "$elf" | awk '$2 == ".ksyms" { print "0x" $3 }') ))
size=$(stat -c %s "$table")
if [ "$capacity" -eq 0 ]; then
    echo "embed-symbols: $elf has no .ksyms section (Boot/exceptions.asm reserves it)" >&2
    exit 1
fi
if [ "$size" -gt "$capacity" ]; then
    echo "embed-symbols: symbol table is $size bytes, .ksyms holds $capacity: raise SYMBOL_TABLE_BYTES in Boot/exceptions.asm" >&2
    exit 1
fi
truncate -s "$capacity" "$table"
objcopy --update-section .ksyms="$table" "$elf"
