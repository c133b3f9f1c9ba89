#!/bin/bash
# gantool's tabular model against CTGAN on Adult's training split, end to end (train EPOCHS
# epochs and sample as many rows), alternated ROUNDS times in one run so that both see the
# same machine; prints each time and the ratio of the medians.
# Usage: bench/tabular/speed.sh BUILD_DIR WORK_DIR (after bench/tabular/run.sh made
# WORK_DIR/adult_train.h5 and .csv). Environment: CTGAN_SRC (required), EPOCHS (10), ROUNDS
# (3), THREADS (1).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
gantool=$(realpath "$1")/gantool
cd "$2"
EPOCHS=${EPOCHS:-10}; ROUNDS=${ROUNDS:-3}; THREADS=${THREADS:-1}
rows=$("$gantool" info --json adult_train.h5 | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["rows"])')
g=(); c=()
for i in $(seq "$ROUNDS"); do
  t0=$(date +%s.%N)
  "$gantool" train -q --data adult_train.h5 --model speed.h5 --epochs "$EPOCHS" --threads "$THREADS"
  "$gantool" sample -q --model speed.h5 -n "$rows" -o speed.csv --threads "$THREADS"
  t1=$(date +%s.%N)
  env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 "$here/ctgan_run.py" --ctgan-src "$CTGAN_SRC" \
    --train adult_train.csv --out speed_ctgan.csv --n "$rows" --epochs "$EPOCHS" --threads "$THREADS" > /dev/null 2>&1
  t2=$(date +%s.%N)
  g+=("$(echo "$t1 - $t0" | bc)"); c+=("$(echo "$t2 - $t1" | bc)")
  echo "round $i: gantool ${g[-1]} s, CTGAN ${c[-1]} s"
done
/usr/bin/python3 -c "
import statistics, sys
g = [float(x) for x in sys.argv[1].split()]; c = [float(x) for x in sys.argv[2].split()]
print(f'Adult, {sys.argv[3]} epochs, {sys.argv[4]} thread(s): gantool median {statistics.median(g):.1f} s, CTGAN {statistics.median(c):.1f} s: {statistics.median(c) / statistics.median(g):.1f}x')
" "${g[*]}" "${c[*]}" "$EPOCHS" "$THREADS"
rm -f speed.h5 speed.csv speed_ctgan.csv
