#!/usr/bin/env bash
# Runs every test, each once: installs what the kernel build needs, then builds the solution and runs the
# xunit tests (heap, trace tool, shared test support and baselines, and the kernel booted in QEMU under every
# configuration of the matrix), then the benchmarks' quick mode (every workload through the checking wrapper).
# Results: out/test-results/*.trx (the test results) and out/bench-quick.log.
set -euo pipefail
cd "$(dirname "$0")"

scripts/install-deps.sh
rm -rf out/test-results
mkdir -p out
status=0
dotnet test BuddyOS.sln -c Release \
    --logger "trx;LogFileName=tests.trx" --logger "console;verbosity=normal" \
    --results-directory out/test-results || status=$?

echo "== benchmarks, quick mode"
if dotnet run -c Release --project BuddyOS.Bench -- --quick > out/bench-quick.log 2>&1; then
    tail -n 20 out/bench-quick.log
else
    echo "bench-quick: FAILED"; tail -n 30 out/bench-quick.log
    status=1
fi
exit $status
