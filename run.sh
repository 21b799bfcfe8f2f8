#!/usr/bin/env bash
# Build BuddyOS and boot it in QEMU with the self-test report on this terminal.
#   ./run.sh          BIOS (SeaBIOS) boot; exits 0 only when QEMU reports that every self-test passed
#   ./run.sh --uefi   the same ISO under UEFI firmware (OVMF)
#   ./run.sh --gdb    wait for gdb on localhost:1234 before the first instruction
#   ./run.sh --shell  the self-tests, then the BuddyOS shell on this terminal (Ctrl-A X quits QEMU)
# The QEMU command line and the reading of its status are buddyqemu's (BuddyOS.Qemu), which the tests use too.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

for arg in "$@"; do
    case "$arg" in
        --uefi|--gdb|--shell) ;;
        *) echo "usage: $0 [--uefi] [--gdb] [--shell]" >&2; exit 2 ;;
    esac
done

./scripts/install-deps.sh
dotnet build BuddyOS.sln -c Release -nologo -v:q
iso=out/buddyos.iso
for arg in "$@"; do
    if [ "$arg" = --shell ]; then
        # The same kernel, with the `shell` option on its command line: QEMU keeps booting to a prompt.
        iso=out/buddyos-shell.iso
        scripts/mkiso.sh "$iso" shell
    fi
done
exec dotnet BuddyOS.Qemu/bin/Release/net10.0/buddyqemu.dll --log out/serial.log "$@" "$iso"
