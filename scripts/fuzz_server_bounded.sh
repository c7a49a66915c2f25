#!/usr/bin/env bash
# Run the live-server fuzz campaign (tests/hardening/test_fuzz_server.py) at full size in
# counted, seeded chunks, so a run bounded by a deadline still says exactly how many
# sequences ran and passed. Usage:
#   scripts/fuzz_server_bounded.sh TOTAL CHUNK DEADLINE_UTC LOGDIR
#   e.g. scripts/fuzz_server_bounded.sh 1000 25 16:55 /tmp/fuzz-server
#   START_CHUNK=21 scripts/fuzz_server_bounded.sh 487 25 18:08 DIR   # go on from seed 22
# Each chunk is one pytest run of CHUNK sequences with --hypothesis-seed=<chunk number>;
# a chunk starts only if the deadline has not passed. The summary line per chunk goes to
# LOGDIR/summary.txt, the full output to LOGDIR/chunk-N.log.
set -u
total=${1:-1000}
chunk=${2:-25}
deadline=${3:-23:59}
logdir=${4:-/tmp/ssmd-fuzz-server}
mkdir -p "$logdir"
cd "$(dirname "$0")/.."
python=${PYTHON:-.venv/bin/python}
ran=0
n=${START_CHUNK:-0}  # chunks (and seeds) go on from START_CHUNK+1: continue a run
deadline_s=$(date -u -d "$deadline" +%s)
while [ "$ran" -lt "$total" ] && [ "$(date -u +%s)" -lt "$deadline_s" ]; do
    n=$((n + 1))
    start=$(date -u +%s)
    SSMD_FUZZ_FULL=1 SSMD_FUZZ_EXAMPLES=$chunk "$python" -m pytest -q -p no:cacheprovider \
        tests/hardening/test_fuzz_server.py::test_live_server_matches_a_fresh_one \
        --hypothesis-seed="$n" --hypothesis-show-statistics >"$logdir/chunk-$n.log" 2>&1
    rc=$?
    end=$(date -u +%s)
    ran=$((ran + chunk))
    echo "chunk $n seed $n sequences $chunk rc $rc seconds $((end - start)) total_so_far $ran" \
        | tee -a "$logdir/summary.txt"
done
echo "done: $ran sequences in $n chunks (deadline $deadline UTC)" | tee -a "$logdir/summary.txt"
