#!/usr/bin/env bash
# mkiso.sh OUT.iso ["CMDLINE"]
# Packs the already-built out/kernel.elf into a hybrid BIOS + UEFI ISO. With CMDLINE, the multiboot2
# line of iso/grub.cfg carries it (the host tests use this for selftest=fail, crash=null, crash=hang).
set -euo pipefail

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
    echo "usage: $0 OUT.iso [\"CMDLINE\"]" >&2
    exit 2
fi

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$1"
cmdline="${2-}"
kernel="$root/out/kernel.elf"

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
# Without DWARF: GRUB reads the whole file into its heap before loading it, and under UEFI with 64 MiB that heap
# cannot hold the debug information (out/kernel.elf keeps it, for gdb).
objcopy --strip-debug "$kernel" "$stage/boot/kernel.elf"
if [ -n "$cmdline" ]; then
    # Only the kernel's own line changes; everything else (timeout 0, no menu) stays as in iso/grub.cfg.
    escaped="$(printf '%s' "$cmdline" | sed 's/[&|\\]/\\&/g')"
    sed "s|^\([[:space:]]*multiboot2 /boot/kernel.elf\).*|\1 $escaped|" "$root/iso/grub.cfg" > "$stage/boot/grub/grub.cfg"
else
    cp "$root/iso/grub.cfg" "$stage/boot/grub/grub.cfg"
fi

mkdir -p "$(dirname "$out")"
# Only the GRUB modules the boot needs, no fonts/locales/themes, xz: ~1 MB instead of ~10 MB.
grub-mkrescue -o "$out" \
    --install-modules="multiboot2 normal serial terminal" \
    --fonts= --locales= --themes= --compress=xz \
    "$stage" >"$stage.log" 2>&1 || { cat "$stage.log" >&2; rm -f "$stage.log"; exit 1; }
rm -f "$stage.log"
