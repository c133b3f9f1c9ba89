#!/bin/sh
# Replays one fuzzer finding and prints where it happened: "gantool FUNCTION" or
# "libhdf5 FUNCTION" (a crash, leak or huge allocation inside HDF5 itself on a malformed
# file, which gantool cannot fix) or "libdnnl FUNCTION". The place is the first stack frame
# outside the sanitizer runtime, libFuzzer and the C/C++ runtime. A leak of memory that
# H5Aread or H5Dread allocated counts as gantool's: the caller owns variable-length data.
# Places in libraries name the gantool source line that called them.
# Usage: tests/fuzz/classify.sh FUZZ_BINARY FINDING_FILE
bin=$(realpath "$1")
file=$2
ASAN_OPTIONS="${ASAN_OPTIONS:-}:fast_unwind_on_malloc=0" "$bin" -rss_limit_mb=2048 \
  -malloc_limit_mb=1024 -timeout=20 "$file" 2>&1 | awk -v bin="$bin" '
  /ERROR: |^finding: |deadly signal|timeout after/ { reproduced = 1 }
  /ERROR: LeakSanitizer/ { leak = 1 }
  leak && /in H5[AD]read/ { owned = 1 }
  /^ +#[0-9]+ 0x/ && place == "" {
    line = $0
    if (index(line, "(" bin "+0x")) next   # no source line: sanitizer or libFuzzer frame
    if (line ~ /fuzzer::|__sanitizer|__asan|__interceptor|libc\.so|libstdc\+\+|libgcc|libc_start/) next
    # glibc frames symbolized with their own sources (abort, memcpy, __stack_chk_fail, ...)
    if (line ~ / (nptl|stdlib|debug|signal|libio|string|malloc|csu|posix|sysdeps)\//) next
    if (line ~ /libhdf5/) place = "libhdf5"
    else if (line ~ /libdnnl/) place = "libdnnl"
    else place = "gantool"
  }
  /^ +#[0-9]+ 0x[0-9a-f]+ in / && place != "" && fn == "" {   # the first named frame from there
    fn = $0; sub(/^ +#[0-9]+ 0x[0-9a-f]+ in /, "", fn); sub(/ \(.*$/, "", fn); sub(/\(.*$/, "", fn)
    sub(/ \/work\/main\//, " ", fn)
  }
  /^ +#[0-9]+ 0x[0-9a-f]+ in .*\/(lib|tools)\/[^ ]*:[0-9]+/ && via == "" {   # the first frame in gantool
    via = $0; sub(/^.*\/(lib|tools)\//, "", via); sub(/:[0-9]+$/, "", via)
  }
  END {
    if (!reproduced) { print "gantool? (not reproduced by a single run)"; exit }
    if (place == "") place = "gantool (no stack: a timeout or an exit)"
    place = place " " fn (via != "" && place !~ /^gantool/ ? " (from " via ")" : "")
    if (owned && place ~ /^libhdf5/) sub(/^libhdf5/, "gantool (owns what H5*read allocated) in", place)
    print place
  }'
