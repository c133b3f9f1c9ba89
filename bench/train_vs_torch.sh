#!/bin/sh
# `gantool train` end to end against a PyTorch training script (bench/torch_gan.py) on the
# small configuration: the same networks (z 2 → 128×3 → 2, 2 → 128×3 → 1), batch 256,
# Adam 2e-4, the same 20,000 steps on the same 100,000-row ring, each logging every 500
# steps and saving its model; wall time of the whole command, start-up and I/O included,
# alternated three times. Each side runs with its default threads and OpenMP policy.
# Usage: bench/train_vs_torch.sh path/to/gantool WORK_DIR
set -eu
here=$(cd "$(dirname "$0")" && pwd)
gantool=$(realpath "$1")
work=$2
mkdir -p "$work"
cd "$work"
steps=20000
"$gantool" prepare -q --dist ring -n 100000 -o ring.h5
wall() {  # prints the wall seconds of a command
  start=$(date +%s.%N)
  "$@" > /dev/null 2>&1
  echo "$(date +%s.%N) - $start" | bc
}
ours="" theirs=""
for round in 1 2 3; do
  ours="$ours $(wall "$gantool" train --data ring.h5 --model gan.h5 --steps $steps --log-every 500 \
      --z-dim 2 --g-hidden 128,128,128 --d-hidden 128,128,128 --ema 0)"
  theirs="$theirs $(wall env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 "$here/torch_gan.py" \
      --config small --data ring.h5 --steps $steps --warmup 0 --log-every 500 --save gan.pt --threads "$(nproc)")"
done
median() { echo "$@" | tr ' ' '\n' | grep . | sort -n | sed -n 2p; }
o=$(median $ours) t=$(median $theirs)
echo "train end to end, small configuration, $steps steps (median of 3, alternated):"
echo "  gantool train: $o s (runs:$ours)"
echo "  PyTorch:       $t s (runs:$theirs)"
echo "  ratio:         $(echo "scale=2; $t / $o" | bc)x"
