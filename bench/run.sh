#!/bin/sh
# make bench: speed and memory figures.
#  1. prepare --dist ring -n 10000000: seconds and peak memory.
#  2. export of a >= 1 GB CSV, then its import: MB/s and peak memory, plain (streaming,
#     bounded memory) and with --normalize standard (two passes through a spooled copy).
#  3. GAN training steps/s against PyTorch on the same networks (bench/compare_gan.py),
#     after bench/setup_torch.sh has installed python3-torch with OpenBLAS.
#  4. `gantool train` end to end against a PyTorch training script (bench/train_vs_torch.sh).
#  4b. Gradient-penalty training (wgan-gp, R1) against PyTorch's autograd (compare_penalty.py).
#  5. `gantool sample` against PyTorch's generator, and 100 M rows streamed (compare_sample.py).
#  6. Discriminator rejection sampling: JSD to held-out data with and without (reject.py).
#  7. eval-jsd: the validation suite against true values and the usual estimators
#     (validate_jsd.py), and speed against scipy's cKDTree (jsd_speed.py).
#  7b. gantool report on 1,000,000 × 20 mixed rows against 1,000,000 (report_speed.py).
#  7c. Synthetic tables: the tabular model on Adult, penguins and seattle-weather, 3 seeds
#      (bench/tabular/run.sh, about 25 minutes); against CTGAN too when CTGAN_SRC names a
#      folder with checkouts of sdv-dev/CTGAN and sdv-dev/RDT (then also bench/tabular/speed.sh).
#  7d. The mode-collapse sweep (examples/mode-collapse) at make -j1 and -j2: its throughput on
#      2 cores (sweep_throughput.sh, about 7 minutes).
#  7e. Images: the DCGAN against PyTorch's (throughput, and FD after equal wall time) and
#      against an MLP GAN, on Fashion-MNIST (bench/images.sh; IMAGES_MINUTES per training run,
#      default 30: about 75 minutes in all).
#  8. Kill-and-signal reliability: SIGKILL, SIGINT, SIGTERM and a full disk during prepare,
#     sample, export and train (reliability.py, about 10 minutes; exits 1 on any failure).
# The quality protocol of the defaults is bench/quality.sh (about 3 minutes), not run here.
# Usage: bench/run.sh BUILD_DIR WORK_DIR. Results go to stdout and WORK_DIR/*.md.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=$(realpath "$1")
gantool=$build/gantool
work=$2
mkdir -p "$work"
cd "$work"
results=results.md
trap 'rm -f ring10m.h5 big.h5 big.csv import.h5 import_norm.h5' EXIT

# Runs a command under GNU time; prints "seconds peak_MB".
measure() {
  /usr/bin/time -f "%e %M" -o time.txt "$@" > /dev/null
  awk '{ printf "%.2f %.0f\n", $1, $2 / 1024 }' time.txt
}

echo "# gantool data-layer benchmark ($(date -u +%Y-%m-%d), $(nproc) cores, gantool $("$gantool" --version | cut -d' ' -f2))" | tee "$results"
echo | tee -a "$results"

set -- $(measure "$gantool" prepare -q --dist ring -n 10000000 -o ring10m.h5)
echo "- prepare --dist ring -n 10000000: $1 s, peak memory $2 MB, file $(du -m ring10m.h5 | cut -f1) MB" | tee -a "$results"

# 13.5 M rows × 8 Gaussian columns as CSV are a little over 1 GB.
"$gantool" prepare -q --dist gaussian --dim 8 --std 100 -n 13500000 -o big.h5
set -- $(measure "$gantool" export big.h5 -o big.csv)
mb=$(($(stat -c %s big.csv) / 1000000))
echo "- export of 13.5 M rows × 8 columns to CSV ($mb MB): $1 s = $(echo "$mb / $1" | bc) MB/s, peak memory $2 MB" | tee -a "$results"

set -- $(measure "$gantool" prepare -q --from big.csv -o import.h5)
echo "- CSV import ($mb MB): $1 s = $(echo "$mb / $1" | bc) MB/s, peak memory $2 MB" | tee -a "$results"

set -- $(measure "$gantool" prepare -q --from big.csv --normalize standard -o import_norm.h5)
echo "- CSV import with --normalize standard ($mb MB): $1 s = $(echo "$mb / $1" | bc) MB/s, peak memory $2 MB" | tee -a "$results"

# The imported values must be the exported ones.
cmp_out=$("$gantool" export import.h5 | cmp - big.csv && echo identical || echo DIFFERENT)
echo "- re-export of the import vs the CSV: $cmp_out" | tee -a "$results"
rm -f time.txt

echo
sh "$here/setup_torch.sh" > setup_torch.log
/usr/bin/python3 "$here/compare_gan.py" "$build/bench_gan" nn.md
echo
cat nn.md
echo
sh "$here/train_vs_torch.sh" "$gantool" train_vs_torch | tee train_vs_torch.md
echo
/usr/bin/python3 "$here/compare_penalty.py" "$build/bench_gan" penalty.md
cat penalty.md

echo
/usr/bin/python3 "$here/compare_sample.py" "$build" sample_bench sample.md
echo
/usr/bin/python3 "$here/reject.py" "$gantool" reject_bench reject.md

echo
/usr/bin/python3 "$here/validate_jsd.py" "$gantool" jsd_validation jsd_validation.md
echo
/usr/bin/python3 "$here/jsd_speed.py" "$gantool" jsd_speed jsd_speed.md
echo
/usr/bin/python3 "$here/report_speed.py" "$gantool" report_speed report_speed.md
cat report_speed.md
echo
bash "$here/tabular/run.sh" "$build" tabular
if [ -n "${CTGAN_SRC:-}" ]; then bash "$here/tabular/speed.sh" "$build" tabular | tee tabular/speed.md; fi
echo
sh "$here/sweep_throughput.sh" "$gantool" sweep_throughput
echo
sh "$here/images.sh" "$build" images "${IMAGES_MINUTES:-30}"
echo
/usr/bin/python3 "$here/reliability.py" "$gantool" reliability
