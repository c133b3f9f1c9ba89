#!/bin/sh
# The quality protocol of README.md ("Quality of the defaults"): `gantool train` with only
# --data and --model (and --seed) on 100,000 rows from `gantool prepare --dist D` (seed 1),
# seeds 1–5, two runs at a time. Each model then draws 20,000 samples, plainly and with
# `sample --reject`, and both are compared with 20,000 held-out rows (prepare's seed 2):
# eval-jsd (k-NN) and, on the ring and the grid, eval-modes against the true modes (modes
# covered, the share within 3 std, and the width: 0.974 for exact samples in 2-D).
# Usage: bench/quality.sh path/to/gantool WORK_DIR [TRAIN OPTIONS...]
# Extra options, if any, go to every train run (to try other settings). DISTS in the
# environment lists the datasets (default "ring grid"; also spiral, moons, checkerboard, ...).
# Prints one Markdown row per run and the mean of each column per dataset.
set -eu
gantool=$(realpath "$1")
work=$2
shift 2
mkdir -p "$work"
cd "$work"
dists=${DISTS:-ring grid}
for dist in $dists; do
  "$gantool" prepare -q --dist "$dist" -n 100000 --seed 1 -o "$dist.h5"
  "$gantool" prepare -q --dist "$dist" -n 20000 --seed 2 -o "${dist}_held.h5"
done
extra="$*"
jsd() { "$gantool" eval-jsd -q --bootstrap 0 --threads 1 "$1" "$2" --json | /usr/bin/python3 -c 'import json, sys; print("%.4f" % json.load(sys.stdin)["jsd"])'; }
run() {  # DIST SEED: one line "dist seed seconds jsd jsd_reject covered modes high_quality"
  dist=$1 seed=$2; shift 2
  m=${dist}_$seed
  "$gantool" train -q --data "$dist.h5" --model "$m.h5" --seed "$seed" "$@"
  "$gantool" sample -q --threads 1 --model "$m.h5" -n 20000 -o "$m.fake.h5"
  reject=-  # --reject needs the nonsaturating or minimax loss and no pack
  if "$gantool" sample -q --threads 1 --model "$m.h5" -n 20000 --reject -o "$m.reject.h5" 2> /dev/null; then
    reject=$(jsd "${dist}_held.h5" "$m.reject.h5")
  fi
  modes="- - - -"
  case $dist in ring|grid)
    modes=$("$gantool" eval-modes "$m.fake.h5" --modes-from "$dist.h5" --json |
            /usr/bin/python3 -c 'import json, sys; j = json.load(sys.stdin); print(j["covered"], j["modes"], "%.4f" % j["high_quality"], "%.3f" % j["width"])');;
  esac
  seconds=$("$gantool" info --json "$m.h5" | /usr/bin/python3 -c 'import json, sys; print("%.1f" % json.load(sys.stdin)["seconds"])')
  echo "$dist $seed $seconds $(jsd "${dist}_held.h5" "$m.fake.h5") $reject $modes" > "$m.txt"
}
# Every (dataset, seed) run, two at a time.
set --
for seed in 1 2 3 4 5; do for dist in $dists; do set -- "$@" "$dist:$seed"; done; done
while [ $# -gt 0 ]; do
  run "${1%:*}" "${1#*:}" $extra &
  if [ $# -gt 1 ]; then run "${2%:*}" "${2#*:}" $extra & shift; fi
  shift
  wait
done
for dist in $dists; do cat "${dist}"_[1-5].txt; done | /usr/bin/python3 -c '
import sys
rows = [line.split() for line in sys.stdin]
print("| data | seed | JSD (nats) | JSD, --reject | modes covered | within 3 std | width (exact 0.974) | seconds |")
print("| --- | --- | --- | --- | --- | --- | --- | --- |")
def row(dist, seed, sec, j, jr, cov, n, hq, width):
    modes = "%s/%s" % (cov, n) if n != "-" else "–"
    within = "%.1f%%" % (100 * float(hq)) if hq != "-" else "–"
    return "| %s | %s | %s | %s | %s | %s | %s | %s |" % (dist, seed, j, jr, modes, within, width.replace("-", "–"), sec)
for r in rows: print(row(*r))
for dist in dict.fromkeys(r[0] for r in rows):
    rs = [r for r in rows if r[0] == dist]
    mean = lambda i: sum(float(r[i]) for r in rs) / len(rs)
    within = "%.1f%%" % (100 * mean(7)) if rs[0][7] != "-" else "–"
    width = "%.3f" % mean(8) if rs[0][8] != "-" else "–"
    reject = "%.3f" % mean(4) if rs[0][4] != "-" else "–"
    print("| %s | mean | %.3f | %s | | %s | %s | %.1f |" % (dist, mean(3), reject, within, width, mean(2)))
'
