#!/usr/bin/python3
"""gantool against PyTorch on the same GAN: steps/s, alternated A/B in one run.

Runs build/bench_gan (gantool) and bench/torch_gan.py (PyTorch with OpenBLAS) for each
configuration, alternating the two `--rounds` times, and prints the median steps/s of each
with their ratio; then two bounds measured in the same run: the small configuration's
ceiling (its FLOPs at oneDNN sgemm's speed on its hidden layer's shape) and the large
configuration's GFLOP/s next to oneDNN's sgemm throughput. Both run with OMP_WAIT_POLICY=active here: the fastest setting on
an idle machine, and what PyTorch's OpenMP does by default.

Then the `make -j2` case: two copies of each side at once, each with its default policy
(gantool: passive; PyTorch: OpenMP's default spinning), total steps/s of the pair.
Writes the tables to OUT (markdown) too.

usage: compare_gan.py BENCH_GAN OUT [--threads 2] [--rounds 3] [--configs small,medium,large]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys

STEPS = {"small": 400, "medium": 100, "large": 12}


def environment(threads, policy):
    env = dict(os.environ, OMP_NUM_THREADS=str(threads))
    env.pop("OMP_WAIT_POLICY", None)
    env.pop("GOMP_SPINCOUNT", None)
    if policy:
        env["OMP_WAIT_POLICY"] = policy
    # This machine pins OpenBLAS to its Haswell kernels (OPENBLAS_CORETYPE) for the sake of
    # old builds; Debian's 0.3.21 is correct and 1.6-1.9x faster with its own choice
    # (AVX-512), so PyTorch is measured at its best.
    env.pop("OPENBLAS_CORETYPE", None)
    env.pop("OPENBLAS_L2_SIZE", None)
    return env


def run(cmd, threads, policy="active"):
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, env=environment(threads, policy)).stdout
    return json.loads(out.strip().splitlines()[-1])


def run_pair(cmd, threads, policy):
    """Two copies at once, as in a `make -j2` sweep; the sum of their steps/s."""
    env = environment(threads, policy)
    procs = [subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, env=env) for _ in range(2)]
    total = 0.0
    for p in procs:
        out, _ = p.communicate()
        total += json.loads(out.strip().splitlines()[-1])["steps_per_s"]
    return total


def main():
    p = argparse.ArgumentParser()
    p.add_argument("bench_gan")
    p.add_argument("out")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--configs", default="small,medium,large")
    a = p.parse_args()
    here = os.path.dirname(os.path.abspath(__file__))
    torch_cmd = ["/usr/bin/python3", os.path.join(here, "torch_gan.py")]

    rows, large_gflops, sgemm, small_sgemm, small_gflop = [], [], [], [], 0.0
    for config in a.configs.split(","):
        steps = str(STEPS[config])
        ours, theirs = [], []
        for _ in range(a.rounds):  # A/B alternated, so drifts in machine load hit both
            r = run([a.bench_gan, "--config", config, "--steps", steps, "--threads", str(a.threads)], a.threads)
            ours.append(r["steps_per_s"])
            if config == "small":  # the bound: the step's FLOPs at bare sgemm speed on its hidden layer's shape
                small_gflop = r["gflop_per_step"]
                small_sgemm.append(run([a.bench_gan, "--sgemm", "--shape", "256,128,128", "--threads", str(a.threads)],
                                       a.threads)["gflops"])
            if config == "large":
                large_gflops.append(r["gflops"])
                sgemm.append(run([a.bench_gan, "--sgemm", "--threads", str(a.threads)], a.threads)["gflops"])
            t = run(torch_cmd + ["--config", config, "--steps", steps, "--threads", str(a.threads)], a.threads)
            theirs.append(t["steps_per_s"])
        o, t = statistics.median(ours), statistics.median(theirs)
        rows.append((config, o, t, o / t))
        print(f"{config:7s} gantool {o:9.1f} steps/s   pytorch {t:9.1f} steps/s   ratio {o / t:5.2f}"
              f"   (runs: {', '.join(f'{x:.1f}' for x in ours)} / {', '.join(f'{x:.1f}' for x in theirs)})", flush=True)

    lines = [f"GAN training steps/s, {a.threads} threads, median of {a.rounds} alternated runs",
             "", "| config | gantool steps/s | PyTorch steps/s | ratio |", "| --- | --- | --- | --- |"]
    lines += [f"| {c} | {o:.1f} | {t:.1f} | {r:.2f}× |" for c, o, t, r in rows]
    small = [r for r in rows if r[0] == "small"]
    if small:
        s = statistics.median(small_sgemm)
        ceiling = s / small_gflop
        lines += ["", f"small: ceiling {ceiling:.0f} steps/s = {ceiling / small[0][2]:.2f}× PyTorch, if all "
                      f"{small_gflop:.3f} GFLOP of a step ran at oneDNN sgemm's speed on the hidden layer's "
                      f"shape (256×128×128: {s:.0f} GFLOP/s) with no other cost; gantool reaches "
                      f"{100 * small[0][1] / ceiling:.0f}% of it"]
        print(lines[-1])
    if large_gflops:
        g, s = statistics.median(large_gflops), statistics.median(sgemm)
        lines += ["", f"large: {g:.0f} GFLOP/s = {100 * g / s:.0f}% of oneDNN sgemm "
                      f"(512×1024×1024: {s:.0f} GFLOP/s) measured in the same run"]
        print(lines[-1])
    pair_configs = [c for c in a.configs.split(",") if c != "large"]
    if pair_configs:
        lines += ["", f"`make -j2` case: two runs at once, {a.threads} threads each, total steps/s of the pair",
                  "", "| config | gantool (default: passive wait) | gantool with spinning threads | PyTorch (default) |",
                  "| --- | --- | --- | --- |"]
        for config in pair_configs:
            steps = str(STEPS[config] // 2)
            ours = [a.bench_gan, "--config", config, "--steps", steps, "--threads", str(a.threads)]
            theirs = torch_cmd + ["--config", config, "--steps", steps, "--threads", str(a.threads)]
            passive = run_pair(ours, a.threads, None)
            active = run_pair(ours, a.threads, "active")
            torch = run_pair(theirs, a.threads, None)
            lines.append(f"| {config} | {passive:.1f} | {active:.1f} | {torch:.1f} |")
            print(lines[-1], flush=True)
    with open(a.out, "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    sys.exit(main())
