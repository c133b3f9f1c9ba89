#!/usr/bin/python3
"""gantool against PyTorch on gradient-penalty GAN training: steps/s, alternated A/B in one run.

Like bench/compare_gan.py (whose environment and run helpers it uses: OMP_WAIT_POLICY=active,
OpenBLAS left to pick its own kernels), on the small configuration with two losses:
  wgan-gp              WGAN-GP, lambda 10, 5 critic updates per step (both sides' defaults)
  nonsaturating+r1     the non-saturating loss with the R1 penalty, gamma 1, 1 D update per step
running build/bench_gan (gantool) and bench/torch_gan.py (PyTorch) with the same flags,
alternating the two `--rounds` times; prints the median steps/s of each, their ratio and every
run's number, and writes the table to OUT (markdown). A step is one generator update however
many D updates it holds, so steps/s compare the same work on both sides.

usage: compare_penalty.py BENCH_GAN OUT [--threads 2] [--rounds 3] [--cases wgan-gp,r1]
"""
import argparse
import importlib.util
import os
import statistics
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("compare_gan", os.path.join(HERE, "compare_gan.py"))
compare_gan = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(compare_gan)
run = compare_gan.run

# name: (label, flags for both sides, steps). Steps give PyTorch ~2.5-4 s a run at 1-2 threads
# here (about 90-115 steps/s for wgan-gp, 380-480 for nonsaturating+r1); gantool's side is shorter
# by its speed-up.
CASES = {
    "wgan-gp": ("wgan-gp", ["--loss", "wgan-gp"], 350),
    "r1": ("nonsaturating+r1", ["--loss", "nonsaturating", "--r1", "1"], 1500),
}
CONFIG = "small"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("bench_gan")
    p.add_argument("out")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--cases", default=",".join(CASES), help="comma-separated subset of " + ",".join(CASES))
    a = p.parse_args()
    cases = a.cases.split(",")
    unknown = [c for c in cases if c not in CASES]
    if unknown:
        p.error(f"unknown case(s) {','.join(unknown)}; choose from {','.join(CASES)}")
    torch_cmd = ["/usr/bin/python3", os.path.join(HERE, "torch_gan.py")]
    threads = str(a.threads)

    rows, blas = [], None
    for case in cases:
        label, flags, steps = CASES[case]
        common = ["--config", CONFIG] + flags + ["--steps", str(steps), "--threads", threads]
        ours, theirs, d_steps, sgemm, gflop = [], [], None, [], 0.0
        for _ in range(a.rounds):  # A/B alternated, so drifts in machine load hit both
            o = run([a.bench_gan] + common, a.threads)
            t = run(torch_cmd + common, a.threads)
            # The bound: the step's FLOPs at bare sgemm speed on the hidden layers' shape.
            sgemm.append(run([a.bench_gan, "--sgemm", "--shape", "256,128,128", "--threads", threads],
                             a.threads)["gflops"])
            gflop = o["gflop_per_step"]
            ours.append(o["steps_per_s"])
            theirs.append(t["steps_per_s"])
            d_steps, blas = t["d_steps"], t.get("blas", blas)
            if "d_steps" in o and o["d_steps"] != d_steps:  # not the same work: don't compare
                sys.exit(f"compare_penalty.py: {label}: gantool ran {o['d_steps']} D updates a step, "
                         f"PyTorch {d_steps}")
        o, t = statistics.median(ours), statistics.median(theirs)
        ceiling = statistics.median(sgemm) / gflop
        rows.append((label, d_steps, o, t, o / t, ours, theirs, gflop, ceiling))
        print(f"{label:17s} gantool {o:8.1f} steps/s   pytorch {t:8.1f} steps/s   ratio {o / t:5.2f}"
              f"   (runs: {', '.join(f'{x:.1f}' for x in ours)} / {', '.join(f'{x:.1f}' for x in theirs)})",
              flush=True)

    lines = [f"GAN training steps/s with gradient penalties, {CONFIG} config, {a.threads} threads, "
             f"median of {a.rounds} alternated runs (PyTorch BLAS: {blas})",
             "", "| loss | D updates/step | GFLOP/step | gantool steps/s | PyTorch steps/s | ratio | ceiling | "
                 "runs (gantool / PyTorch) |",
             "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    lines += [f"| {label} | {k} | {g:.3f} | {o:.1f} | {t:.1f} | {r:.2f}× | {c:.0f} steps/s = {c / t:.2f}× "
              f"(gantool at {100 * o / c:.0f}%) | "
              f"{', '.join(f'{x:.1f}' for x in ours)} / {', '.join(f'{x:.1f}' for x in theirs)} |"
              for label, k, o, t, r, ours, theirs, g, c in rows]
    lines += ["", "ceiling: gantool's FLOPs of a step at oneDNN sgemm's speed on the hidden layers' shape "
                  "(256×128×128, same threads, measured in each round), with no other cost"]
    lines += ["", "wgan-gp: λ = 10; nonsaturating+r1: γ = 1; Adam(2e-4, β = (0.5, 0.999)) for G and D; "
                  "a step is one G update"]
    with open(a.out, "w") as f:
        f.write("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
