#!/usr/bin/env bash
# mkiso.sh [--kernel ELF] OUT.iso ["CMDLINE"]
# Packs an already-built kernel (default: out/kernel.elf) into a hybrid BIOS + UEFI ISO, with LICENSES/*.txt.
# With CMDLINE, the multiboot2 line of iso/grub.cfg carries it (the host tests use this for selftest=fail,
# crash=null, crash=hang). The BuddyOS SDK ships this script with iso/ and LICENSES/ beside it, as here, and
# passes --kernel.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
kernel="$root/out/kernel.elf"
if [ "${1:-}" = --kernel ]; then
    [ $# -ge 2 ] || { echo "mkiso: --kernel needs a path" >&2; exit 2; }
    kernel="$2"
    shift 2
fi
if [ $# -lt 1 ] || [ $# -gt 2 ]; then
    echo "usage: $0 [--kernel ELF] OUT.iso [\"CMDLINE\"]" >&2
    exit 2
fi
out="$1"
cmdline="${2-}"

if [ ! -f "$kernel" ]; then
    echo "mkiso: $kernel not found; build first with: dotnet build BuddyOS.sln" >&2
    exit 1
fi
for tool in grub-mkrescue xorriso mformat; do
    command -v "$tool" >/dev/null 2>&1 || { echo "mkiso: $tool missing; run scripts/install-deps.sh" >&2; exit 1; }
done

stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/boot/grub"
# Without DWARF and the ELF symbol table (the image carries its own, .ksyms): the ISO is smaller and GRUB reads
# less; the built kernel.elf keeps both, for gdb.
objcopy --strip-all "$kernel" "$stage/boot/kernel.elf"
# The licences of what the image embeds travel with it: the .NET runtime (CoreLib and the framework compiled
# in), musl (libm, mem*), the console font. (The SDK package has LICENSES/ beside scripts/ too.)
mkdir -p "$stage/LICENSES"
cp "$root"/LICENSES/*.txt "$stage/LICENSES/"
if [ -n "$cmdline" ]; then
    # Only the kernel's own line changes; everything else (timeout 0, no menu) stays as in iso/grub.cfg.
    escaped="$(printf '%s' "$cmdline" | sed 's/[&|\\]/\\&/g')"
    sed "s|^\([[:space:]]*multiboot2 /boot/kernel.elf\).*|\1 $escaped|" "$root/iso/grub.cfg" > "$stage/boot/grub/grub.cfg"
else
    cp "$root/iso/grub.cfg" "$stage/boot/grub/grub.cfg"
fi

mkdir -p "$(dirname "$out")"
# Only the GRUB modules the boot needs, no fonts/locales/themes, xz: ~1 MB instead of ~10 MB. The partition
# map modules are there because GRUB's EFI image loads every one of them at start (without them it prints
# "error: file .../part_acorn.mod not found" and the like); all_video is the GOP/UGA driver grub.cfg loads
# under UEFI, so the kernel's framebuffer request (Boot/boot.asm) gets a graphics mode there; test is grub.cfg's `[`.
grub-mkrescue -o "$out" \
    --install-modules="multiboot2 normal serial terminal test all_video part_acorn part_amiga part_apple part_bsd part_dfly part_dvh part_gpt part_msdos part_plan part_sun part_sunpc" \
    --fonts= --locales= --themes= --compress=xz \
    "$stage" >"$stage.log" 2>&1 || { cat "$stage.log" >&2; rm -f "$stage.log"; exit 1; }
rm -f "$stage.log"
