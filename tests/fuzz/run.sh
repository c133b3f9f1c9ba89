#!/bin/sh
# make fuzz / make fuzz-smoke: replays each target's saved regressions, then fuzzes it for
# SECONDS, and prints executions and findings per target. Each finding (an input that
# crashed, leaked, timed out or allocated over 1 GB) is placed by tests/fuzz/classify.sh:
# in gantool, or inside libhdf5 itself on a malformed file (counted apart: gantool cannot
# fix HDF5). Exits 1 when a regression fails again or gantool has a finding.
# Usage: tests/fuzz/run.sh FUZZ_BUILD_DIR SECONDS [TARGET...]   (targets: csv dataset model config)
# FUZZ_SEED=N fixes libFuzzer's seed (0, the default: a new one each run).
# Corpus: the seeds in tests/fuzz/corpus/TARGET (read only) and what the fuzzer adds, in
# FUZZ_BUILD_DIR/corpus/TARGET. Findings (the inputs): FUZZ_BUILD_DIR/findings/TARGET/.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=$(realpath "$1")
seconds=$2
shift 2
targets=${*:-csv dataset model config}

# Leaks are findings (LeakSanitizer); tests/fuzz/lsan.supp may suppress third-party ones.
# A failed malloc returns NULL (as glibc's would), so that HDF5 handles a huge size read
# from a damaged file as it does in production; gantool's own allocations over 1 GB are
# caught by -malloc_limit_mb.
# Full stacks for allocations (fast_unwind_on_malloc=0): HDF5 has no frame pointers, and the
# suppressions of lsan.supp match HDF5 functions deep in the stack.
# Leaks are checked after each input (libFuzzer does it), not at exit, where they could not
# be traced to an input.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:leak_check_at_exit=0:allocator_may_return_null=1:fast_unwind_on_malloc=0}"
export LSAN_OPTIONS="${LSAN_OPTIONS:-suppressions=$here/lsan.supp:print_suppressions=0}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
export OMP_NUM_THREADS=1

status=0
summary=$(mktemp)
trap 'rm -f "$summary"' EXIT
printf '%-8s %8s %11s %7s %8s %8s %8s  %s\n' target seconds executions exec/s gantool 3rdparty unconfirmed regressions > "$summary"
for t in $targets; do
  bin=$build/fuzz_$t
  if [ ! -x "$bin" ]; then
    echo "fuzz: $bin is not built" >&2
    status=1
    continue
  fi
  findings=$build/findings/$t
  corpus=$build/corpus/$t
  mkdir -p "$findings" "$corpus"
  # Every saved regression must now pass (each input is run once).
  replay="none"
  if [ -n "$(ls -A "$here/regressions/$t" 2>/dev/null)" ]; then
    if ASAN_OPTIONS="$ASAN_OPTIONS:fast_unwind_on_malloc=0" \
       "$bin" -rss_limit_mb=2048 -malloc_limit_mb=1024 -timeout=20 "$here/regressions/$t"/* > "$build/replay_$t.log" 2>&1; then
      replay="pass"
    else
      replay="FAIL"
      status=1
      echo "fuzz: $t: a saved regression fails again; see $build/replay_$t.log" >&2
    fi
  fi
  ls "$findings" > "$build/before_$t.txt"
  log=$build/fuzz_$t.log
  echo "fuzz: $t for ${seconds}s (log: $log)"
  # Fork mode keeps fuzzing after a finding, so that a long run reports them all.
  "$bin" "$corpus" "$here/corpus/$t" -max_total_time="$seconds" -fork=1 -ignore_crashes=1 \
    -ignore_timeouts=1 -ignore_ooms=1 -timeout=20 -rss_limit_mb=2048 -malloc_limit_mb=1024 \
    -max_len=65536 -seed="${FUZZ_SEED:-0}" -artifact_prefix="$findings/" -print_final_stats=1 > "$log" 2>&1 || true
  # Place each new finding; the list is in FUZZ_BUILD_DIR/findings_TARGET.txt.
  ours=0
  theirs=0
  unconfirmed=0
  for f in $(ls "$findings" | grep -vxF -f "$build/before_$t.txt"); do
    place=$(sh "$here/classify.sh" "$bin" "$findings/$f")
    echo "$f: $place" >> "$build/findings_$t.txt"
    echo "fuzz: $t: $f: $place"
    # An input that does not fail again when replayed alone (a timeout while the machine
    # was busy, most often) is listed but fails nothing: there is nothing to act on.
    case $place in
      "gantool?"*) unconfirmed=$((unconfirmed + 1)) ;;
      gantool*) ours=$((ours + 1)) ;;
      *) theirs=$((theirs + 1)) ;;
    esac
  done
  rm -f "$build/before_$t.txt"
  [ "$ours" -gt 0 ] && status=1
  # Fork mode's status lines begin "#N:", N the executions so far.
  execs=$(grep -o '^#[0-9]*:' "$log" | tail -1 | tr -d '#:')
  rate=$(( ${execs:-0} / seconds ))
  printf '%-8s %8s %11s %7s %8s %8s %8s  %s\n' "$t" "$seconds" "${execs:-?}" "${rate:-?}" "$ours" "$theirs" "$unconfirmed" "$replay" >> "$summary"
done
echo
cat "$summary"
echo "Findings (inputs) are in $build/findings/TARGET/, placed in $build/findings_TARGET.txt;"
echo "replay one with $build/fuzz_TARGET FILE."
exit "$status"
