#!/usr/bin/env bash
# Build BuddyOS and boot it in QEMU with the self-test report on this terminal.
#   ./run.sh          BIOS (SeaBIOS) boot; exits 0 only when QEMU reports that every self-test passed
#   ./run.sh --uefi   the same ISO under UEFI firmware (OVMF)
#   ./run.sh --gdb    wait for gdb on localhost:1234 before the first instruction
# The QEMU command line and the reading of its status are buddyqemu's (BuddyOS.Qemu), which the tests use too.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

for arg in "$@"; do
    case "$arg" in
        --uefi|--gdb) ;;
        *) echo "usage: $0 [--uefi] [--gdb]" >&2; exit 2 ;;
    esac
done

./scripts/install-deps.sh
dotnet build BuddyOS.sln -c Release -nologo -v:q
exec dotnet BuddyOS.Qemu/bin/Release/net10.0/buddyqemu.dll --log out/serial.log "$@" out/buddyos.iso
