#!/bin/bash
# Synthetic tables: gantool's tabular model against CTGAN (bench/tabular/ctgan_run.py) at
# equal epochs, on Adult, penguins and seattle-weather, each split 80/20 with seed 7.
# For each dataset and seed: end-to-end wall time (train + sample as many rows as the
# training split) and `gantool report` on the held-out 20% (Adult: --target income).
# Usage: bench/tabular/run.sh BUILD_DIR WORK_DIR
# Environment: SEEDS (default "1 2 3"), DATASETS (default "penguins seattle adult"), EPOCHS
# (CTGAN's, 300), GANTOOL_EPOCHS (unset: gantool's default, 300 epochs and at least 5,000
# steps), THREADS (2), CTGAN_SRC (a folder with checkouts of sdv-dev/CTGAN and sdv-dev/RDT;
# unset: gantool only). Figures: WORK_DIR/tabular.md (bench/tabular/summary.py).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
gantool=$(realpath "$1")/gantool
work=$2
mkdir -p "$work"
cd "$work"
SEEDS=${SEEDS:-1 2 3}
DATASETS=${DATASETS:-penguins seattle adult}
EPOCHS=${EPOCHS:-300}
THREADS=${THREADS:-2}
gzip -dc "$here/../../data/adult.csv.gz" > adult.csv  # the shared copy, byte for byte
adult=$PWD/adult.csv

source_of() {
  case $1 in
    adult) echo "$adult" ;;
    penguins) echo /usr/lib/R/site-library/palmerpenguins/extdata/penguins.csv ;;
    seattle) echo /usr/lib/python3/dist-packages/vega_datasets/_data/seattle-weather.csv ;;
  esac
}

for d in $DATASETS; do
  "$gantool" prepare -q --from "$(source_of $d)" -o ${d}_train.h5 --split 0.2 --test-out ${d}_test.h5 --seed 7
  "$gantool" export ${d}_train.h5 -o ${d}_train.csv
  rows=$("$gantool" info --json ${d}_train.h5 | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["rows"])')
  target=(); [ $d = adult ] && target=(--target income)
  # The kinds of the real columns, for reading CTGAN's CSV back.
  kinds=($("$gantool" info --json ${d}_train.h5 | /usr/bin/python3 -c '
import json, sys
flags = {"continuous": "--continuous", "integer": "--integer", "categorical": "--categorical", "boolean": "--categorical"}
for c in json.load(sys.stdin)["columns"]:
    name, kind = c["name"], c["kind"]
    print("--datetime=" + name + "=" + c["format"] if kind == "datetime" else flags[kind] + "=" + name)'))
  dates=(); for k in "${kinds[@]}"; do case $k in --datetime=*) dates+=(--datetime "${k#--datetime=}");; esac; done
  for s in $SEEDS; do
    t0=$(date +%s.%N)
    "$gantool" train -q --data ${d}_train.h5 --model g_${d}_$s.h5 ${GANTOOL_EPOCHS:+--epochs "$GANTOOL_EPOCHS"} --seed $s --threads "$THREADS"
    "$gantool" sample -q --model g_${d}_$s.h5 -n "$rows" -o g_${d}_$s.s.h5 --seed $s --threads "$THREADS"
    t1=$(date +%s.%N)
    "$gantool" report ${d}_test.h5 g_${d}_$s.s.h5 --train ${d}_train.h5 "${target[@]}" --json -q > g_${d}_$s.json
    echo "{\"tool\": \"gantool\", \"dataset\": \"$d\", \"seed\": $s, \"seconds\": $(echo "$t1 - $t0" | bc)}" > g_${d}_$s.time
    if [ -n "${CTGAN_SRC:-}" ]; then
      t0=$(date +%s.%N)
      env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 "$here/ctgan_run.py" --ctgan-src "$CTGAN_SRC" \
        --train ${d}_train.csv --out c_${d}_$s.csv --n "$rows" --epochs "$EPOCHS" --seed $s --threads "$THREADS" \
        "${dates[@]}" > c_${d}_$s.ctgan.json 2> c_${d}_$s.log
      t1=$(date +%s.%N)
      "$gantool" prepare -q --from c_${d}_$s.csv -o c_${d}_$s.h5 "${kinds[@]}"
      "$gantool" report ${d}_test.h5 c_${d}_$s.h5 --train ${d}_train.h5 "${target[@]}" --json -q > c_${d}_$s.json
      echo "{\"tool\": \"ctgan\", \"dataset\": \"$d\", \"seed\": $s, \"seconds\": $(echo "$t1 - $t0" | bc)}" > c_${d}_$s.time
    fi
  done
done
/usr/bin/python3 "$here/summary.py" . | tee tabular.md
