#!/bin/sh
# The throughput of the mode-collapse sweep (examples/mode-collapse/Makefile) on this
# machine's cores: a fixed subset of its cells (both datasets, the three losses, packs 1 and
# 4, seeds 1 and 2, 1,000 steps: 24 cells of train, sample, eval-modes and eval-jsd) made at
# -j1 and at -j2 with nothing but the Makefile's defaults, alternated j1, j2, j2, j1. The
# shared data files are made first, once; the cells' outputs are removed before every run.
# Prints each run's seconds and the ratio of the mean -j1 time to the mean -j2 time (the
# target on 2 cores: at least 1.8). gantool trains small networks on one thread and lets idle
# OpenMP threads sleep, so two trainings at once share the 2 cores without flags.
# Usage: bench/sweep_throughput.sh path/to/gantool WORK_DIR   (writes WORK_DIR/sweep_throughput.md)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
gantool=$(realpath "$1")
work=$(realpath -m "$2")
mkdir -p "$work"
example=$here/../examples/mode-collapse

sweep() {  # TARGET [MAKE FLAGS...]
  target=$1
  shift
  make -s -C "$example" "$@" GANTOOL="$gantool" OUT="$work/out" "DISTS=ring grid" \
    "LOSSES=nonsaturating wgan-gp hinge" "PACKS=1 4" "SEEDS=1 2" STEPS=1000 "$target"
}
now() { date +%s.%N; }

sweep data
results=$work/sweep_throughput.md
{
  echo "Mode-collapse sweep, 24 cells of 1,000 steps ($(nproc) cores, load average before: $(cut -d' ' -f1-3 /proc/loadavg))"
  echo
  echo "| run | make | seconds |"
  echo "| --- | --- | --- |"
} > "$results"
j1=0 j2=0 run=0
for jobs in 1 2 2 1; do
  sweep clean-cells > /dev/null
  start=$(now)
  sweep cells -j"$jobs"
  seconds=$(echo "$(now) - $start" | bc)
  run=$((run + 1))
  printf '| %d | -j%d | %.1f |\n' "$run" "$jobs" "$seconds" >> "$results"
  if [ "$jobs" = 1 ]; then j1=$(echo "$j1 + $seconds" | bc); else j2=$(echo "$j2 + $seconds" | bc); fi
done
sweep clean-cells > /dev/null
{
  echo
  printf -- '-j1: %.1f s, -j2: %.1f s (means of 2 runs each): -j2 is %.2f× as fast (target ≥ 1.8×)\n' \
    "$(echo "$j1 / 2" | bc -l)" "$(echo "$j2 / 2" | bc -l)" "$(echo "$j1 / $j2" | bc -l)"
} >> "$results"
cat "$results"
