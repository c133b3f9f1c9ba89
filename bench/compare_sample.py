#!/usr/bin/python3
"""gantool sample against PyTorch's generator forward pass: rows/s, alternated A/B in one run.

For the small and large configurations of bench/compare_gan.py (G: z 2 → 128×3 → 2, and
z 128 → 1024×2 → 784), 2 threads each:
  - gantool, generation only: build/bench_gan --sample (row-indexed noise and G on tiles,
    as `gantool sample` does it, no output);
  - PyTorch: bench/torch_gan.py --sample, torch.randn and G under inference_mode, at
    gantool's default block of the small configuration (65536 rows) and at the batch that
    suits PyTorch best here (256 small, 512 large);
  - gantool sample end to end: the whole command writing an HDF5 file (start-up, model
    reading and output included), so that the table shows what writing costs.
Then 100 M rows of the small model to HDF5: seconds and peak resident memory.
Writes the table to OUT (markdown).

usage: compare_sample.py BUILD_DIR WORK_DIR OUT [--rounds 3]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

CONFIGS = {  # rows per timed run, PyTorch's best batch, gantool sample's block, train flags of a model
    "small": (10_000_000, 256, 65536, "--z-dim 2 --g-hidden 128,128,128 --d-hidden 128,128,128"),
    "large": (200_000, 512, 2048, "--z-dim 128 --g-hidden 1024,1024 --d-hidden 1024,1024 --batch 64"),
}
BATCH = 65536


def environment(torch=False):
    """gantool with its defaults; PyTorch at its best: spinning OpenMP threads (faster on an
    idle machine) and OpenBLAS's own kernel choice (see compare_gan.py)."""
    env = dict(os.environ, OMP_NUM_THREADS="2")
    for name in ("OMP_WAIT_POLICY", "GOMP_SPINCOUNT", "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):
        env.pop(name, None)
    if torch:
        env["OMP_WAIT_POLICY"] = "active"
    return env


def run_json(cmd, torch=False):
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, env=environment(torch)).stdout
    return json.loads(out.strip().splitlines()[-1])


def wall(cmd):
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True, env=environment())
    return time.perf_counter() - t0


def main():
    p = argparse.ArgumentParser()
    p.add_argument("build")
    p.add_argument("work")
    p.add_argument("out")
    p.add_argument("--rounds", type=int, default=3)
    a = p.parse_args()
    a.out, a.build = os.path.abspath(a.out), os.path.abspath(a.build)
    here = os.path.dirname(os.path.abspath(__file__))
    gantool, bench_gan = os.path.join(a.build, "gantool"), os.path.join(a.build, "bench_gan")
    torch_cmd = ["/usr/bin/python3", os.path.join(here, "torch_gan.py")]
    os.makedirs(a.work, exist_ok=True)
    os.chdir(a.work)

    # Models with the configurations' networks (one training step: speed does not depend on
    # the weights).
    subprocess.run([gantool, "prepare", "-q", "--dist", "ring", "-n", "1000", "-o", "small_data.h5"], check=True)
    subprocess.run([gantool, "prepare", "-q", "--dist", "gaussian", "--dim", "784", "-n", "1000", "-o",
                    "large_data.h5"], check=True)
    for config, (_, _, _, flags) in CONFIGS.items():
        subprocess.run([gantool, "train", "-q", "--data", f"{config}_data.h5", "--model", f"{config}.h5",
                        "--steps", "1", *flags.split()], check=True)

    lines = ["`gantool sample` against PyTorch's G forward pass, 2 threads, rows/s, "
             f"median of {a.rounds} alternated runs", "",
             "| config | gantool, generation only | gantool sample → HDF5, end to end | "
             f"PyTorch, batch {BATCH} | PyTorch, its best batch | ratio (same batch) | ratio (PyTorch's best) |",
             "| --- | --- | --- | --- | --- | --- | --- |"]
    for config, (rows, best, block, _) in CONFIGS.items():
        ours, e2e, same, tbest = [], [], [], []
        for _ in range(a.rounds):
            ours.append(run_json([bench_gan, "--sample", str(rows), "--config", config, "--batch", str(block),
                                  "--threads", "2"])["rows_per_s"])
            seconds = wall([gantool, "sample", "-q", "--model", f"{config}.h5", "-n", str(rows), "--threads", "2",
                            "-o", "out.h5"])
            e2e.append(rows / seconds)
            os.remove("out.h5")
            for batch, into in ((BATCH, same), (best, tbest)):
                into.append(run_json(torch_cmd + ["--sample", str(rows), "--config", config, "--batch", str(batch),
                                                  "--threads", "2"], torch=True)["rows_per_s"])
        o, e, s, b = (statistics.median(x) for x in (ours, e2e, same, tbest))
        lines.append(f"| {config} | {o:,.0f} | {e:,.0f} | {s:,.0f} | {b:,.0f} (batch {best}) | {o / s:.2f}× | "
                     f"{o / b:.2f}× |")
        print(lines[-1], flush=True)

    # Streaming: 100 M rows of the small model.
    subprocess.run(["/usr/bin/time", "-f", "%e %M", "-o", "time.txt", gantool, "sample", "-q", "--model", "small.h5",
                    "-n", "100000000", "-o", "big.h5"], check=True, env=environment())
    seconds, kb = open("time.txt").read().split()
    size = os.path.getsize("big.h5") / 1e6
    os.remove("big.h5")
    lines += ["", f"100,000,000 rows of the small model to HDF5 ({size:.0f} MB): {float(seconds):.1f} s, "
                  f"peak resident memory {int(kb) / 1024:.0f} MB"]
    print(lines[-1])
    with open(a.out, "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    sys.exit(main())
