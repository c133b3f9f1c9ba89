#!/usr/bin/python3
"""PyTorch baseline for gantool's GAN training-step benchmark.

Trains an MLP GAN (Goodfellow et al. 2014, Algorithm 1 with k=1, non-saturating generator
loss) for a fixed number of steps and prints one JSON line:
  {"impl":"pytorch","config":...,"steps":...,"seconds":...,"steps_per_s":...,"threads":...,"blas":...,
   "loss":...,"d_steps":...,"gp_weight":...,"r1":...}

Gradient penalties (bench/compare_penalty.py):
  --loss wgan-gp   WGAN-GP (Gulrajani et al. 2017): critic loss E[D(fake)] - E[D(real)]
                   + L*E[(|grad_x D(x^)|_2 - 1)^2], x^ = e*real + (1-e)*fake, e ~ U(0,1) per row,
                   L = --gp-weight (default 10); generator loss -E[D(G(z))].
  --r1 GAMMA       R1 (Mescheder et al. 2018), with either loss: + (GAMMA/2)*E_real[|grad_x D(x)|^2]
                   in D's loss (default 0 = off).
  --d-steps K      D updates per step (default 5 with wgan-gp, else 1), each on a fresh real and
                   a fresh fake minibatch; a step is still one G update. "gp_weight" in the JSON
                   is 0 unless --loss wgan-gp.
Every loss uses the same Adam settings (lr 2e-4, betas (0.5, 0.999)).

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
                    [--loss nonsaturating|wgan-gp] [--gp-weight L] [--r1 GAMMA] [--d-steps K]
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
    # Losses (bench/compare_penalty.py):
    p.add_argument("--loss", choices=("nonsaturating", "wgan-gp"), default="nonsaturating")
    p.add_argument("--gp-weight", type=float, default=10.0, help="WGAN-GP's lambda (with --loss wgan-gp)")
    p.add_argument("--r1", type=float, default=0.0, help="R1 penalty's gamma on real rows (0 = off)")
    p.add_argument("--d-steps", type=int, help="D updates per G update (default: 5 for wgan-gp, else 1)")
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
    if a.d_steps is None:
        a.d_steps = 5 if a.loss == "wgan-gp" else 1
    if a.d_steps < 1 or not a.gp_weight >= 0 or not a.r1 >= 0:
        p.error("--d-steps must be >= 1, --gp-weight and --r1 >= 0")
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
    rand, cat, lerp = torch.rand, torch.cat, torch.lerp
    wgan, gp_weight, r1, d_steps = args.loss == "wgan-gp", args.gp_weight, args.r1, args.d_steps
    # Rows whose input gradient a penalty needs: real (R1), then x^ (WGAN-GP).
    ones = torch.ones((bool(r1) + wgan) * batch, 1)

    def loss_penalized(real, fake):
        """D's loss with its penalties, as fast as we found PyTorch to go.

        The rows whose input gradient a penalty needs (x^, and real with R1) go through D in one
        call on their own, with requires_grad; the other rows (fake, and real without R1) in another
        call (torch.cat when two). Timed on small, 1 thread, medians of 3 alternated runs:
        WGAN-GP 99 steps/s this way vs 94 with one D call per minibatch (real, fake, x^), and
        another ~25% slower with one call on cat((real, fake, x^)); R1 382 vs 326 with one call on
        cat((real, fake)). One call on everything loses because the gradient-of-gradient graph
        then spans all rows, 3x (2x) the rows the penalty needs. Backward after
        zero_grad(set_to_none=True) and autograd.grad into .grad timed the same; so did
        grad_outputs=ones and .sum()."""
        need = ([real] if r1 else []) + ([lerp(fake, real, rand(batch, 1))] if wgan else [])
        x = (cat(need) if len(need) > 1 else need[0].detach()).requires_grad_()
        out = D(x)
        if r1:
            d_real, d_fake = out[:batch], D(fake)
        else:
            out_plain = D(cat((real, fake)))
            d_real, d_fake = out_plain[:batch], out_plain[batch:]
        if wgan:
            loss = d_fake.mean() - d_real.mean()
        else:
            loss = softplus(-d_real).mean() + softplus(d_fake).mean()
        (g,) = grad(out, x, grad_outputs=ones, create_graph=True)
        if r1:
            loss = loss + (r1 / 2) * g[:batch].pow(2).sum(1).mean()
        if wgan:
            loss = loss + gp_weight * (g[-batch:].norm(2, dim=1) - 1).pow(2).mean()
        return loss

    def step():
        # (a) discriminator / critic, d_steps updates, each on fresh real and fake rows
        for _ in range(d_steps):
            real = next_real()
            z = randn(batch, z_dim)
            with torch.no_grad():
                fake = G(z)
            if wgan or r1:
                loss_d = loss_penalized(real, fake)
            else:  # the original benchmark's step, unchanged
                loss_d = softplus(-D(real)).mean() + softplus(D(fake)).mean()
            opt_d.zero_grad(set_to_none=True)
            loss_d.backward()
            opt_d.step()
        # (b) generator, non-saturating (or WGAN) loss; gradients for G's parameters only
        z = randn(batch, z_dim)
        loss_g = -D(G(z)).mean() if wgan else softplus(-D(G(z))).mean()
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
        "loss": args.loss,
        "d_steps": d_steps,
        "gp_weight": gp_weight if wgan else 0.0,
        "r1": r1,
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
