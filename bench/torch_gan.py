#!/usr/bin/python3
"""PyTorch baseline for gantool's GAN training-step benchmark.

Trains an MLP GAN (Goodfellow et al. 2014, Algorithm 1 with k=1, non-saturating generator
loss) for a fixed number of steps and prints one JSON line:
  {"impl":"pytorch","config":...,"steps":...,"seconds":...,"steps_per_s":...,"threads":...,"blas":...}

Run with Debian's /usr/bin/python3 and python3-torch; bench/setup_torch.sh installs it and
selects OpenBLAS (OpenMP) as the system BLAS, which torch's CPU matmuls go through.
The "blas" field names the OpenBLAS kernels in use: OPENBLAS_CORETYPE, when set in the
environment, overrides OpenBLAS's CPU detection (e.g. Haswell = AVX2 kernels on an AVX-512
CPU, about half the speed here); run with `env -u OPENBLAS_CORETYPE` to let it detect.
With --threads > 1 time on an idle machine: a competing busy process makes OpenMP's
barriers wait for descheduled threads and steps/s drop many-fold.

With --sample ROWS it times generation instead: ROWS rows of G(z), z ~ N(0, I), in forward
passes of --batch rows under torch.inference_mode(), and prints
  {"impl":"pytorch","config":...,"rows":...,"seconds":...,"rows_per_s":...,...}

Usage: torch_gan.py [--config small|medium|large] [--steps N] [--warmup W] [--threads T] [--seed S]
       torch_gan.py --sample ROWS [--batch B] [--config ...] [--threads T]
"""
import argparse
import json
import os
import sys
import time

CONFIGS = {
    # name: (z_dim, data_dim, hidden layers (G and D), batch)
    "small": (2, 2, (128, 128, 128), 256),
    "medium": (64, 64, (512, 512), 256),
    "large": (128, 784, (1024, 1024), 512),
}
POOL_ROWS = 65536


def parse_args():
    p = argparse.ArgumentParser(description="PyTorch GAN training-step benchmark")
    p.add_argument("--config", choices=sorted(CONFIGS), default="small")
    p.add_argument("--steps", type=int, default=200, help="timed steps")
    p.add_argument("--warmup", type=int, default=20, help="untimed steps before timing")
    p.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    p.add_argument("--seed", type=int, default=0)
    # End to end, as a user's training script runs (bench/train_vs_torch.sh):
    p.add_argument("--data", help="train on /data of this HDF5 file (standardized), not on N(0,1) rows")
    p.add_argument("--log-every", type=int, default=0, help="print the losses every N steps")
    p.add_argument("--save", help="save G, D and both optimizers here at the end (torch.save)")
    # Generation (bench/compare_sample.py):
    p.add_argument("--sample", type=int, default=0, help="time ROWS rows of G(z) instead of training")
    p.add_argument("--batch", type=int, default=65536, help="rows per forward pass with --sample")
    a = p.parse_args()
    if a.steps < 1 or a.warmup < 0 or a.threads < 1:
        p.error("--steps and --threads must be >= 1, --warmup >= 0")
    return a


args = parse_args()
# Thread counts must be in the environment before torch (libgomp, OpenBLAS) is loaded.
os.environ["OMP_NUM_THREADS"] = str(args.threads)
os.environ["OPENBLAS_NUM_THREADS"] = str(args.threads)

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402


def blas_info():
    """Which BLAS torch's libblas.so.3 resolved to in this process."""
    libs = set()
    try:
        with open("/proc/self/maps") as f:
            for line in f:
                path = line.split()[-1]
                if "blas" in path or "lapack" in path:
                    libs.add(os.path.realpath(path))
    except OSError:
        pass
    if any("openblas" in p for p in libs):
        try:
            import ctypes
            lib = ctypes.CDLL("libopenblas.so.0")
            lib.openblas_get_config.restype = ctypes.c_char_p
            lib.openblas_get_corename.restype = ctypes.c_char_p
            cfg = lib.openblas_get_config().decode()
            core = lib.openblas_get_corename().decode()
            kind = "openmp" if "USE_OPENMP" in cfg else "pthread"
            ver = cfg.split()[1] if cfg.startswith("OpenBLAS ") else "?"
            return f"openblas-{kind} {ver} core={core}"
        except (OSError, AttributeError):
            return "openblas"
    blas = [p for p in libs if "libblas" in p]
    if blas:
        return "reference" if "/blas/" in blas[0] else os.path.basename(os.path.dirname(blas[0]))
    return "unknown"


def mlp(sizes, act):
    """nn.Linear layers (PyTorch's default init) with act after each hidden layer.

    Returns (forward function, parameters). The forward calls F.linear and the activation
    directly: the same ops as nn.Sequential without its per-module Python dispatch, which
    is ~5% of a small-config step."""
    layers = [torch.nn.Linear(sizes[i], sizes[i + 1]) for i in range(len(sizes) - 1)]
    wb = [(l.weight, l.bias) for l in layers]
    hidden, (w_out, b_out) = wb[:-1], wb[-1]
    linear = F.linear

    def forward(x):
        for w, b in hidden:
            x = act(linear(x, w, b))
        return linear(x, w_out, b_out)

    return forward, [p for l in layers for p in l.parameters()]


def sample():
    """Times G(z) over args.sample rows, noise included, in blocks of args.batch rows."""
    z_dim, x_dim, hidden, _ = CONFIGS[args.config]
    G, _ = mlp((z_dim, *hidden, x_dim), F.relu)
    with torch.inference_mode():
        G(torch.randn(min(args.batch, args.sample), z_dim))  # warm-up
        t0 = time.perf_counter()
        done, check = 0, 0.0
        while done < args.sample:
            n = min(args.batch, args.sample - done)
            x = G(torch.randn(n, z_dim))
            check += float(x[0, 0])  # uses every block's result
            done += n
        seconds = time.perf_counter() - t0
    print(json.dumps({"impl": "pytorch", "config": args.config, "rows": done, "batch": args.batch,
                      "seconds": round(seconds, 4), "rows_per_s": round(done / seconds, 1),
                      "threads": torch.get_num_threads(), "blas": blas_info()}))
    return 0 if check == check else 1


def main():
    torch.set_num_threads(args.threads)
    if args.sample:
        return sample()
    torch.set_grad_enabled(True)
    torch.autograd.set_detect_anomaly(False)
    torch.manual_seed(args.seed)

    z_dim, x_dim, hidden, batch = CONFIGS[args.config]
    G, g_params = mlp((z_dim, *hidden, x_dim), F.relu)
    D, d_params = mlp((x_dim, *hidden, 1), lambda x: F.leaky_relu(x, 0.2))
    # foreach=True: the same Adam update, applied with multi-tensor ops (less Python per step).
    opt_g = torch.optim.Adam(g_params, lr=2e-4, betas=(0.5, 0.999), eps=1e-8, foreach=True)
    opt_d = torch.optim.Adam(d_params, lr=2e-4, betas=(0.5, 0.999), eps=1e-8, foreach=True)

    if args.data:
        import h5py
        with h5py.File(args.data, "r") as f:
            data = torch.from_numpy(f["data"][:])
        data = (data - data.mean(0)) / data.std(0)
        pool = data[torch.randperm(len(data))].contiguous()
    else:
        pool = torch.randn(POOL_ROWS, x_dim)
    pool_rows = len(pool)
    pos = 0

    def next_real():
        nonlocal pos
        end = pos + batch
        if end <= pool_rows:
            x = pool[pos:end]
        else:  # wrap around
            end -= pool_rows
            x = torch.cat((pool[pos:], pool[:end]))
        pos = end % pool_rows
        return x

    softplus, randn, grad = F.softplus, torch.randn, torch.autograd.grad

    def step():
        # (a) discriminator
        real = next_real()
        z = randn(batch, z_dim)
        with torch.no_grad():
            fake = G(z)
        loss_d = softplus(-D(real)).mean() + softplus(D(fake)).mean()
        opt_d.zero_grad(set_to_none=True)
        loss_d.backward()
        opt_d.step()
        # (b) generator, non-saturating loss; gradients for G's parameters only
        z = randn(batch, z_dim)
        loss_g = softplus(-D(G(z))).mean()
        for p, g in zip(g_params, grad(loss_g, g_params)):
            p.grad = g
        opt_g.step()
        return loss_d, loss_g

    for _ in range(args.warmup):
        step()
    t0 = time.perf_counter()
    for i in range(1, args.steps + 1):
        loss_d, loss_g = step()
        if args.log_every and i % args.log_every == 0:
            print(f"step {i} loss_d {loss_d.item():.4f} loss_g {loss_g.item():.4f}", file=sys.stderr)
    seconds = time.perf_counter() - t0
    if args.save:
        torch.save({"g": g_params, "d": d_params, "opt_g": opt_g.state_dict(), "opt_d": opt_d.state_dict()},
                   args.save)
    if not (torch.isfinite(loss_d) and torch.isfinite(loss_g)):
        print("torch_gan.py: loss is not finite", file=sys.stderr)
        return 1

    print(json.dumps({
        "impl": "pytorch",
        "config": args.config,
        "steps": args.steps,
        "seconds": round(seconds, 4),
        "steps_per_s": round(args.steps / seconds, 2),
        "threads": torch.get_num_threads(),
        "blas": blas_info(),
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
