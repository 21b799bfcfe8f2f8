#!/usr/bin/env bash
# Installs the host tools the kernel build and QEMU runs need (Debian/Ubuntu).
# Idempotent: when every package is already installed it only asks dpkg and exits.
set -euo pipefail

# console-setup-linux: the framebuffer console's bitmap font (/usr/share/consolefonts/Lat15-VGA16.psf.gz).
# musl-dev: libm and mem* for the kernel (linked from its static libc.a).
PACKAGES=(nasm binutils xorriso xz-utils mtools grub-pc-bin grub-efi-amd64-bin grub-common console-setup-linux musl-dev qemu-system-x86 ovmf)

missing=()
for pkg in "${PACKAGES[@]}"; do
    # dpkg -s succeeds for removed-but-configured packages too, so check the status line.
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$pkg")
    fi
done

if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi

echo "install-deps: missing packages: ${missing[*]}"
if ! command -v apt-get >/dev/null 2>&1; then
    echo "install-deps: apt-get not found; install the packages above with your package manager." >&2
    exit 1
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    SUDO="sudo"
fi

echo "install-deps: running apt-get update && apt-get install -y ${missing[*]}"
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
echo "install-deps: done"
