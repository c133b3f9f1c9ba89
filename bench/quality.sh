#!/bin/sh
# The quality protocol of README.md ("Quality"): `gantool train` with only --data and
# --model (and --seed) on the 8-mode ring and the 5×5 grid, 100,000 rows each from
# `gantool prepare`, five seeds each; train's summary evaluates 10,000 samples against the
# true modes stored in the data file.
# Usage: bench/quality.sh path/to/gantool WORK_DIR  (two runs at a time, one thread each)
set -eu
gantool=$(realpath "$1")
work=$2
mkdir -p "$work"
cd "$work"
"$gantool" prepare -q --dist ring -n 100000 -o ring.h5
"$gantool" prepare -q --dist grid -n 100000 -o grid.h5
run() {  # DIST SEED
  "$gantool" train --data "$1.h5" --model "$1_$2.h5" --seed "$2" --log-every 1000000 2>&1 | tail -n 1 > "$1_$2.txt"
}
for seed in 1 2 3 4 5; do
  run ring "$seed" &
  run grid "$seed" &
  wait
done
echo "| data | seed | modes covered | within 3 std | KL(modes ‖ uniform) | seconds |"
echo "| --- | --- | --- | --- | --- | --- |"
for dist in ring grid; do
  for seed in 1 2 3 4 5; do
    sed -E "s/^train: [0-9]+ steps in ([0-9.]+) s; .*modes covered ([0-9]+\/[0-9]+), ([0-9.]+)% .*uniform\) ([0-9.]+)$/| $dist | $seed | \2 | \3% | \4 | \1 |/" "${dist}_$seed.txt"
  done
done
