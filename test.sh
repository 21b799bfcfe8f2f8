#!/usr/bin/env bash
# Runs every test: installs what the kernel build needs, then builds the solution (heap, kernel ISO, tools,
# benchmarks) and runs the xunit tests (heap, trace tool, benchmark baselines, and the kernel booted in QEMU
# under every configuration of the matrix), then the benchmarks' quick mode.
# Results: out/test-results/*.trx, out/bench-quick.log and out/bench-quick.status.
set -euo pipefail
cd "$(dirname "$0")"

scripts/install-deps.sh
rm -rf out/test-results out/bench-quick.status
mkdir -p out
status=0
dotnet test BuddyOS.sln -c Release \
    --logger "trx;LogFileName=tests.trx" --logger "console;verbosity=normal" \
    --results-directory out/test-results || status=$?

echo "== benchmarks, quick mode"
if dotnet run -c Release --project BuddyOS.Bench -- --quick > out/bench-quick.log 2>&1; then
    echo passed > out/bench-quick.status
    tail -n 20 out/bench-quick.log
else
    echo failed > out/bench-quick.status
    echo "bench-quick: FAILED"; tail -n 30 out/bench-quick.log
    status=1
fi
exit $status
