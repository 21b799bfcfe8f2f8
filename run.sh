#!/usr/bin/env bash
# Build BuddyOS and boot it in QEMU with the self-test report on this terminal.
#   ./run.sh          BIOS (SeaBIOS) boot; exits 0 when every self-test passed (QEMU status 33)
#   ./run.sh --uefi   the same ISO under UEFI firmware (OVMF)
#   ./run.sh --gdb    wait for gdb on localhost:1234 before the first instruction
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

firmware=()
gdb=()
for arg in "$@"; do
    case "$arg" in
        --uefi) firmware=(-bios /usr/share/ovmf/OVMF.fd) ;;
        --gdb)  gdb=(-s -S) ;;
        *) echo "usage: $0 [--uefi] [--gdb]" >&2; exit 2 ;;
    esac
done

./scripts/install-deps.sh
dotnet build BuddyOS.sln -c Release -nologo -v:q

if [ ${#gdb[@]} -gt 0 ]; then
    echo "QEMU is waiting for gdb. In another terminal:"
    echo "  gdb out/kernel.elf -ex 'target remote localhost:1234' -ex 'break kmain' -ex continue"
fi

set +e
qemu-system-x86_64 -cdrom out/buddyos.iso -m 128 \
    -serial stdio -display none -no-reboot \
    -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
    "${firmware[@]}" "${gdb[@]}"
status=$?
set -e

# isa-debug-exit: 33 = all passed, 35 = a test failed, 37 = kernel panic; 0 = triple fault / reset.
case $status in
    33) echo "run.sh: all self-tests passed"; exit 0 ;;
    35) echo "run.sh: self-tests FAILED" >&2 ;;
    37) echo "run.sh: kernel PANIC" >&2 ;;
    0)  echo "run.sh: QEMU exited 0: the machine reset or triple-faulted (never a success)" >&2 ;;
    *)  echo "run.sh: QEMU exited with status $status" >&2 ;;
esac
exit 1
