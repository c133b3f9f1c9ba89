#!/usr/bin/python3
"""PyTorch reference DCGAN for gantool's image benchmark (issue 18, "Against PyTorch").

What it is: the DCGAN that `gantool train --arch dcgan` trains on 28x28x1 images, written in
PyTorch (Debian's python3-torch). How bench uses it: issue 18's bench step runs it beside
gantool's DCGAN (bench/run.sh does not call it until `train --arch dcgan` exists) to put the
two side by side:
  1. training images per second at the same thread count (this script's --report), and
  2. both trained for the same wall time (--seconds), their samples (--out) scored by
     `gantool eval-fd` against the same real images.
It is a benchmark reference only: nothing in gantool's build or tests imports or runs it.

The networks (Radford et al. 2016, sized for 28x28 as issue 18 specifies):
  G: z (100) -> Linear(100, 7*7*128) -> BatchNorm1d -> ReLU -> reshape (128, 7, 7)
     -> ConvTranspose2d(128, 64, k4, s2, p1) -> BatchNorm2d -> ReLU       (64, 14, 14)
     -> ConvTranspose2d(64, 1, k4, s2, p1) -> tanh                         (1, 28, 28)
  D: Conv2d(1, 64, k4, s2, p1) -> LeakyReLU(0.2)                           (64, 14, 14)
     -> Conv2d(64, 128, k4, s2, p1) -> LeakyReLU(0.2)                      (128, 7, 7)
     -> flatten (6272) -> Linear(6272, 1)                                  (the logit)
  Weights from N(0, 0.02), batch norm scales from N(1, 0.02), biases 0 (the DCGAN paper's
  initialization). The non-saturating loss (BCE with logits), Adam lr 2e-4, betas (0.5, 0.999),
  batch 64, one D step per G step: D on a real batch and on G(z) of fresh noise (G in training
  mode, no gradient into G), then G on fresh noise.

Images are scaled to [-1, 1]: uint8 pixels by x/127.5 - 1; float pixels by one affine map
from the data's overall [min, max] (one map for all pixels, not one per column).

Timing: --warmup steps (default 10) run first and are not timed; then --steps steps, or as
many as fit in --seconds of wall time. images/s is defined as batch * timed steps / timed
seconds: the generated images G makes per second of training (each step also puts 64 real
and 64 fake images through D, and 64 more fake through G and D for G's update; the
definition counts a step's batch once).

Run it with Debian's python3 and OpenBLAS left to detect the CPU:
  env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 bench/dcgan_torch.py \
      --threads 2 --steps 200 --report torch.json
  ... --seconds 1800 --out torch_samples.h5 --samples 10000   (then gantool eval-fd)
Data: --data FILE, an HDF5 file (its /data, or --dataset PATH: (N, 1, 28, 28) uint8 or
(N, 784) float) or an idx3-ubyte file, gzipped or not; by default Fashion-MNIST's training
images from Debian's dataset-fashion-mnist.
--out writes --samples images (default 10000) of G in evaluation mode (batch norm's running
statistics) to HDF5 /data as (N, 1, 28, 28) uint8, pixel = round((x + 1) * 127.5).
"""
import argparse
import gzip
import json
import os
import struct
import sys
import time

FASHION_MNIST = "/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz"
Z_DIM, BATCH = 100, 64


def parse_args():
    p = argparse.ArgumentParser(description="PyTorch reference DCGAN (bench/ only)")
    p.add_argument("--data", default=FASHION_MNIST, help="HDF5 or idx3-ubyte[.gz] images (default: %(default)s)")
    p.add_argument("--dataset", default="/data", help="the dataset inside an HDF5 --data (default: /data)")
    p.add_argument("--steps", type=int, default=200, help="timed steps (default 200)")
    p.add_argument("--seconds", type=float, default=0, help="train for this wall time instead of --steps")
    p.add_argument("--warmup", type=int, default=10, help="untimed steps first (default 10)")
    p.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--out", help="write generated images to this HDF5 file, /data (N, 1, 28, 28) uint8")
    p.add_argument("--samples", type=int, default=10000, help="images to write with --out (default 10000)")
    p.add_argument("--report", help="write the timing report (JSON) here too; it always goes to stdout")
    p.add_argument("--log-every", type=int, default=0, help="print the losses every N steps to stderr")
    a = p.parse_args()
    if a.steps < 1 or a.warmup < 0 or a.threads < 1 or a.samples < 1 or a.seconds < 0:
        p.error("--steps, --threads and --samples must be >= 1, --warmup and --seconds >= 0")
    return a


args = parse_args()
# Thread counts must be in the environment before torch (libgomp, OpenBLAS) loads. Idle
# OpenMP threads sleep rather than spin unless the caller chose a policy, as gantool's do
# (core/threads.hpp): with spinning threads, 2 threads on a machine shared with other work
# ran 200 steps at 36 images/s here, against 145-237 sleeping (1 thread: 195-249).
os.environ["OMP_NUM_THREADS"] = str(args.threads)
os.environ["OPENBLAS_NUM_THREADS"] = str(args.threads)
if "OMP_WAIT_POLICY" not in os.environ and "GOMP_SPINCOUNT" not in os.environ:
    os.environ["OMP_WAIT_POLICY"] = "PASSIVE"

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402


def read_idx_images(path):
    """(N, 1, H, W) uint8 from an idx3-ubyte file (LeCun's MNIST format), gzipped or not."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        raw = f.read()
    if len(raw) < 16 or struct.unpack(">I", raw[:4])[0] != 0x00000803:
        sys.exit(f"{path}: not an idx3-ubyte image file (magic 0x00000803 expected)")
    n, h, w = struct.unpack(">III", raw[4:16])
    if len(raw) != 16 + n * h * w:
        sys.exit(f"{path}: {len(raw) - 16} bytes of pixels for {n} images of {h}x{w}: truncated?")
    return np.frombuffer(raw, np.uint8, offset=16).reshape(n, 1, h, w)


def load_images(path, dataset):
    """The images as a float32 tensor (N, 1, 28, 28) in [-1, 1]."""
    if path.endswith((".h5", ".hdf5")):
        import h5py
        with h5py.File(path, "r") as f:
            x = f[dataset][:]
    else:
        x = read_idx_images(path)
    if x.ndim == 2 and x.shape[1] == 784:
        x = x.reshape(-1, 1, 28, 28)
    if x.shape[1:] != (1, 28, 28):
        sys.exit(f"{path}: images of shape {x.shape[1:]}; this DCGAN takes (1, 28, 28) or 784 columns")
    if x.dtype == np.uint8:
        x = x.astype(np.float32) / 127.5 - 1
    else:
        lo, hi = float(x.min()), float(x.max())
        x = ((x.astype(np.float64) - lo) * (2 / max(hi - lo, 1e-12)) - 1).astype(np.float32)
    return torch.from_numpy(np.ascontiguousarray(x))


def make_g():
    return nn.Sequential(
        nn.Linear(Z_DIM, 7 * 7 * 128), nn.BatchNorm1d(7 * 7 * 128), nn.ReLU(),
        nn.Unflatten(1, (128, 7, 7)),
        nn.ConvTranspose2d(128, 64, 4, 2, 1), nn.BatchNorm2d(64), nn.ReLU(),   # (64, 14, 14)
        nn.ConvTranspose2d(64, 1, 4, 2, 1), nn.Tanh())                          # (1, 28, 28)


def make_d():
    return nn.Sequential(
        nn.Conv2d(1, 64, 4, 2, 1), nn.LeakyReLU(0.2),      # (64, 14, 14)
        nn.Conv2d(64, 128, 4, 2, 1), nn.LeakyReLU(0.2),    # (128, 7, 7)
        nn.Flatten(), nn.Linear(128 * 7 * 7, 1))           # the logit


def dcgan_init(m):
    """Radford et al. 2016, section 4: weights N(0, 0.02); batch norm scale N(1, 0.02)."""
    if isinstance(m, (nn.Linear, nn.Conv2d, nn.ConvTranspose2d)):
        nn.init.normal_(m.weight, 0.0, 0.02)
        nn.init.zeros_(m.bias)
    elif isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d)):
        nn.init.normal_(m.weight, 1.0, 0.02)
        nn.init.zeros_(m.bias)


def blas_libraries():
    """The BLAS/LAPACK libraries this process loaded (OpenBLAS or the reference one)."""
    with open("/proc/self/maps") as f:
        paths = {line.split()[-1] for line in f if "blas" in line or "lapack" in line}
    return sorted({os.path.basename(os.path.realpath(p)) for p in paths})


def write_samples(G, path, n):
    """n images of G (evaluation mode) as /data (n, 1, 28, 28) uint8, written atomically."""
    import h5py
    G.eval()
    out = np.empty((n, 1, 28, 28), np.uint8)
    with torch.inference_mode():
        for first in range(0, n, 1000):
            x = G(torch.randn(min(1000, n - first), Z_DIM))
            out[first:first + len(x)] = torch.round((x + 1) * 127.5).clamp(0, 255).to(torch.uint8).numpy()
    G.train()
    tmp = f"{path}.tmp-{os.getpid()}"
    with h5py.File(tmp, "w") as f:
        f.create_dataset("data", data=out)
    os.replace(tmp, path)


def main():
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    images = load_images(args.data, args.dataset)  # (N, 1, 28, 28) in [-1, 1]
    G, D = make_g(), make_d()
    G.apply(dcgan_init)
    D.apply(dcgan_init)
    opt_g = torch.optim.Adam(G.parameters(), lr=2e-4, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(D.parameters(), lr=2e-4, betas=(0.5, 0.999))
    ones, zeros = torch.ones(BATCH, 1), torch.zeros(BATCH, 1)
    bce = F.binary_cross_entropy_with_logits

    order, pos = torch.randperm(len(images)), 0

    def next_real():
        """The next batch of a shuffled pass over the images; a new shuffle per epoch."""
        nonlocal order, pos
        if pos + BATCH > len(order):
            order, pos = torch.randperm(len(images)), 0
        x = images[order[pos:pos + BATCH]]
        pos += BATCH
        return x

    def step():
        # D: real against fake (D has no batch statistics, so one call on both batches).
        real = next_real()
        with torch.no_grad():
            fake = G(torch.randn(BATCH, Z_DIM))
        logits = D(torch.cat((real, fake)))
        loss_d = bce(logits[:BATCH], ones) + bce(logits[BATCH:], zeros)
        opt_d.zero_grad(set_to_none=True)
        loss_d.backward()
        opt_d.step()
        # G: the non-saturating loss on fresh noise; D's gradients are not kept.
        loss_g = bce(D(G(torch.randn(BATCH, Z_DIM))), ones)
        opt_g.zero_grad(set_to_none=True)
        loss_g.backward(inputs=list(G.parameters()))
        opt_g.step()
        return loss_d, loss_g

    for _ in range(args.warmup):
        step()
    steps, t0 = 0, time.perf_counter()
    while (time.perf_counter() - t0 < args.seconds) if args.seconds else steps < args.steps:
        loss_d, loss_g = step()
        steps += 1
        if args.log_every and steps % args.log_every == 0:
            print(f"step {steps} loss_d {loss_d.item():.4f} loss_g {loss_g.item():.4f}", file=sys.stderr)
    seconds = time.perf_counter() - t0
    if not (torch.isfinite(loss_d) and torch.isfinite(loss_g)):
        print("dcgan_torch.py: a loss is not finite", file=sys.stderr)
        return 1
    if args.out:
        write_samples(G, args.out, args.samples)

    report = {
        "impl": "pytorch", "arch": "dcgan", "torch": torch.__version__,
        "threads": torch.get_num_threads(), "batch": BATCH, "seed": args.seed,
        "warmup_steps": args.warmup, "steps": steps, "seconds": round(seconds, 4),
        "images_per_s": round(BATCH * steps / seconds, 1),
        "images_per_s_is": "batch * timed steps / timed seconds (warm-up excluded)",
        "loss_d": round(loss_d.item(), 4), "loss_g": round(loss_g.item(), 4),
        "data": args.data, "images": len(images), "blas": blas_libraries(),
        "openblas_coretype": os.environ.get("OPENBLAS_CORETYPE", "(unset)"),
        "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY", "(unset)"),
    }
    text = json.dumps(report)
    print(text)
    if args.report:
        with open(args.report, "w") as f:
            f.write(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
