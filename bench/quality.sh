#!/bin/sh
# The quality protocol of README.md ("Quality"): `gantool train` with only --data and
# --model (and --seed) on the 8-mode ring and the 5×5 grid, 100,000 rows each from
# `gantool prepare`, five seeds each; train's summary evaluates 10,000 samples against the
# true modes stored in the data file.
# Usage: bench/quality.sh path/to/gantool WORK_DIR [TRAIN OPTIONS...]  (two runs at a time;
# extra options, if any, are passed to every train run, to try other settings; DISTS="grid"
# in the environment runs one of the two datasets only)
set -eu
gantool=$(realpath "$1")
work=$2
shift 2
mkdir -p "$work"
cd "$work"
"$gantool" prepare -q --dist ring -n 100000 -o ring.h5
"$gantool" prepare -q --dist grid -n 100000 -o grid.h5
extra="$*"
run() {  # DIST SEED
  dist=$1 seed=$2; shift 2; "$gantool" train --data "$dist.h5" --model "${dist}_$seed.h5" --seed "$seed" --log-every 1000000 "$@" 2>&1 | tail -n 1 > "${dist}_$seed.txt"
}
dists=${DISTS:-ring grid}
# Every (dataset, seed) run, two at a time.
set --
for seed in 1 2 3 4 5; do for dist in $dists; do set -- "$@" "$dist:$seed"; done; done
while [ $# -gt 0 ]; do
  run "${1%:*}" "${1#*:}" $extra &
  if [ $# -gt 1 ]; then run "${2%:*}" "${2#*:}" $extra & shift; fi
  shift
  wait
done
echo "| data | seed | modes covered | within 3 std | KL(modes ‖ uniform) | seconds |"
echo "| --- | --- | --- | --- | --- | --- |"
for dist in $dists; do
  for seed in 1 2 3 4 5; do
    sed -E "s/^train: [0-9]+ steps in ([0-9.]+) s; .*modes covered ([0-9]+\/[0-9]+), ([0-9.]+)% .*uniform\) ([0-9.]+)$/| $dist | $seed | \2 | \3% | \4 | \1 |/" "${dist}_$seed.txt"
  done
done
