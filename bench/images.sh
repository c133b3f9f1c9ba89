#!/bin/sh
# Images (issue 18): the DCGAN against PyTorch's and against an MLP GAN on Fashion-MNIST.
#  1. Throughput: bench_gan --config dcgan against bench/dcgan_torch.py, 1 and 2 threads,
#     alternated, 3 rounds; the fraction of the machine's peak (oneDNN sgemm) gantool reaches.
#  2. Quality in equal wall time (MINUTES, default 30), each run stopped by SIGINT at its time
#     (gantool saves its model on Ctrl-C):
#     a. gantool's DCGAN and PyTorch's side by side, at 1 thread each (one core each);
#     b. the DCGAN as a user runs it: `train --data train.h5`, its defaults (20,000 steps),
#        alone on the machine, at most MINUTES; then the MLP GAN of the issue on flattened
#        images, alone, for the DCGAN's wall time.
#  3. The feature classifier (train-classifier, 5 epochs, tested on t10k), then eval-fd of
#     10,000 samples of each against the 10,000 test images, with the reference points:
#     train against test (the floor) and the test images with noise or blur (the scale);
#     and k-NN precision and recall in raw pixels (bench/pixel_pr.py), a second view.
#  4. Pictures: 8×8 grids of each model's samples and an interpolation, in WORK_DIR.
# Usage: bench/images.sh BUILD_DIR WORK_DIR [MINUTES]. Results: stdout and WORK_DIR/images.md.
# Needs dataset-fashion-mnist, python3-torch (bench/setup_torch.sh), python3-scipy.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=$(realpath "$1")
gantool=$build/gantool
work=$2
minutes=${3:-30}
fm=/usr/share/datasets/fashion-mnist
names="T-shirt/top,Trouser,Pullover,Dress,Coat,Sandal,Shirt,Sneaker,Bag,Ankle boot"
mkdir -p "$work"
cd "$work"
out=images.md
torch() { env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 "$here/dcgan_torch.py" "$@"; }

echo "# Images: DCGAN on Fashion-MNIST ($(date -u +%Y-%m-%d), $(nproc) cores)" | tee "$out"
"$gantool" prepare -q --from $fm/train-images-idx3-ubyte.gz --labels $fm/train-labels-idx1-ubyte.gz \
  --label-names "$names" -o train.h5
"$gantool" prepare -q --from $fm/t10k-images-idx3-ubyte.gz --labels $fm/t10k-labels-idx1-ubyte.gz \
  --label-names "$names" -o test.h5

# 1. Throughput, alternated.
echo "## Training throughput (images/s = 64 × steps/s)" | tee -a "$out"
for round in 1 2 3; do
  for t in 1 2; do
    g=$("$build/bench_gan" --config dcgan --steps 100 --warmup 5 --threads $t | sed 's/.*"steps_per_s":\([0-9.]*\).*"gflops":\([0-9.]*\).*/\1 \2/')
    p=$(torch --data train.h5 --threads $t --steps 100 --warmup 5 | sed 's/.*"images_per_s": *\([0-9.]*\).*/\1/')
    set -- $g
    echo "- round $round, $t thread(s): gantool $(echo "$1 * 64" | bc) images/s ($2 GFLOP/s), PyTorch $p images/s, ratio $(echo "scale=2; $1 * 64 / $p" | bc)" | tee -a "$out"
  done
done
peak=$("$build/bench_gan" --sgemm --shape 1024,1024,1024 --threads 1 | sed 's/.*"gflops":\([0-9.]*\).*/\1/')
echo "- oneDNN sgemm peak, 1 thread: $peak GFLOP/s" | tee -a "$out"

# 2. Equal wall time.
secs=$((minutes * 60))
echo "## Training for ${minutes} minutes of wall time" | tee -a "$out"
timeout -s INT $secs "$gantool" train --data train.h5 --model dcgan_1t.h5 --steps 100000000 --threads 1 -q || true &
torch --data train.h5 --threads 1 --seconds $secs --out torch_fake.h5 --samples 10000 --report torch.json > torch.log &
wait
start=$(date +%s)
timeout -s INT $secs "$gantool" train --data train.h5 --model dcgan.h5 -q || true
took=$(( $(date +%s) - start ))
timeout -s INT $took "$gantool" train --arch mlp --data train.h5 --model mlp.h5 --z-dim 100 --g-hidden 256,512,1024 \
  --d-hidden 1024,512,256 --g-output tanh --batch 64 --steps 100000000 -q || true
for m in dcgan_1t dcgan mlp; do
  "$gantool" sample -q --model $m.h5 -n 10000 -o ${m}_fake.h5
  echo "- $m: $("$gantool" info $m.h5 | head -1 | sed 's/.*, //') of training" | tee -a "$out"
done
echo "- PyTorch DCGAN: $(sed 's/.*"steps": *\([0-9]*\).*/\1/' torch.json) steps in ${minutes} min, 1 thread" | tee -a "$out"

# 3. The classifier, the reference points, and eval-fd.
"$gantool" train-classifier --data train.h5 --test test.h5 --epochs 5 -o features.h5 | tee -a "$out"
/usr/bin/python3 - <<'EOF'
import h5py, numpy as np
from scipy.ndimage import gaussian_filter
x = h5py.File('test.h5', 'r')['data'][:].astype(np.float64)
rng = np.random.default_rng(1)
for name, y in [('noise25', x + rng.normal(0, 25, x.shape)), ('blur1', gaussian_filter(x, (0, 0, 1, 1)))]:
    with h5py.File(name + '.h5', 'w') as f:
        f['data'] = np.clip(np.rint(y), 0, 255).astype(np.uint8)
EOF
echo "## eval-fd against the 10,000 test images (128 classifier features, k = 3)" | tee -a "$out"
echo "| images | FD | precision | recall | classes with 5–15% | class KL |" | tee -a "$out"
echo "|---|---|---|---|---|---|" | tee -a "$out"
for f in train noise25 blur1 dcgan_fake dcgan_1t_fake torch_fake mlp_fake; do
  "$gantool" eval-fd test.h5 $f.h5 --features features.h5 --json | /usr/bin/python3 -c "
import json, sys
j = json.load(sys.stdin)
print('| $f | %.2f | %.3f | %.3f | %d/10 | %.3f |' % (j['fd'], j['precision'], j['recall'], j['classes_balanced'], j['class_kl']))" | tee -a "$out"
done

echo "## k-NN precision and recall in raw pixels (bench/pixel_pr.py)" | tee -a "$out"
/usr/bin/python3 "$here/pixel_pr.py" test.h5 train.h5 dcgan_fake.h5 dcgan_1t_fake.h5 torch_fake.h5 mlp_fake.h5 | sed 's/^/- /' | tee -a "$out"

# 4. Pictures.
for f in train dcgan_fake dcgan_1t_fake torch_fake mlp_fake; do "$gantool" plot grid $f.h5 -o grid_$f.png; done
"$gantool" sample -q --model dcgan.h5 --interpolate 3,17 --steps 10 -o path.h5
"$gantool" plot grid path.h5 --rows 1 --cols 10 -o interpolation.png
