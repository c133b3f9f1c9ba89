#!/usr/bin/python3
"""Speed of gantool eval-jsd: rows/s of each method at 20k, 200k and 1M rows per side in 2-D
(N(0, I) against N((0.5, 0), I)), next to a Python implementation of the same k-NN estimator
on scipy's cKDTree (k-th neighbour radius, then counts within it; workers=2) in the same run.
gantool runs as a user runs it: the whole command, with its noise floor and its default 200
bootstrap resamples; wall time and peak resident memory from GNU time. rows/s counts the
rows of both sides. The classifier is timed up to 200k rows (at 1M its training dominates).
Writes the table to OUT.

usage: jsd_speed.py GANTOOL WORK_DIR OUT
"""
import json
import os
import subprocess
import sys
import time

import h5py
import numpy as np
from scipy.spatial import cKDTree
from scipy.special import digamma


def scipy_knn_jsd(a, b, k=10):
    z = np.vstack([a, b])
    mu, sd = z.mean(0), z.std(0)
    a, b = (a - mu) / sd, (b - mu) / sd
    n = len(a)
    ta, tb = cKDTree(a), cKDTree(b)

    def half(x, tx, ty):
        r = tx.query(x, k + 1, workers=2)[0][:, k]
        r = np.nextafter(r, np.inf)
        c_own = tx.query_ball_point(x, r, workers=2, return_length=True) - 1
        c_other = ty.query_ball_point(x, r, workers=2, return_length=True)
        return np.mean(digamma(c_own) - digamma(c_own + c_other) + np.log((2 * n - 1) / (n - 1)))

    return 0.5 * half(a, ta, tb) + 0.5 * half(b, tb, ta)


def main():
    gantool, work, out = os.path.abspath(sys.argv[1]), sys.argv[2], os.path.abspath(sys.argv[3])
    os.makedirs(work, exist_ok=True)
    os.chdir(work)
    lines = ["eval-jsd speed, 2-D, 2 threads: rows/s (both sides counted), wall seconds, peak memory", "",
             "| rows per side | method | gantool seconds | gantool rows/s | peak MB | estimate | "
             "scipy cKDTree k-NN seconds | scipy rows/s | scipy estimate |", "| --- |" + " --- |" * 8]
    rng = np.random.default_rng(1)
    for n in (20_000, 200_000, 1_000_000):
        a = rng.standard_normal((n, 2)).astype(np.float32)
        b = (rng.standard_normal((n, 2)) + [0.5, 0]).astype(np.float32)
        for path, x in (("a.h5", a), ("b.h5", b)):
            with h5py.File(path, "w") as f:
                f["data"] = x
        t0 = time.perf_counter()
        ref = scipy_knn_jsd(a.astype(np.float64), b.astype(np.float64))
        ref_s = time.perf_counter() - t0
        for method in ("knn", "hist", "classifier"):
            if method == "classifier" and n > 200_000:
                continue
            cmd = ["/usr/bin/time", "-f", "%e %M", "-o", "time.txt", gantool, "eval-jsd", "a.h5", "b.h5",
                   "--method", method, "--json", "--threads", "2"]
            r = subprocess.run(cmd, check=True, capture_output=True, text=True)
            seconds, kb = open("time.txt").read().split()
            est = json.loads(r.stdout)["jsd"]
            scipy_cells = (f"{ref_s:.2f} | {2 * n / ref_s:,.0f} | {ref:.4f}" if method == "knn" else "– | – | –")
            lines.append(f"| {n:,} | {method} | {float(seconds):.2f} | {2 * n / float(seconds):,.0f} | "
                         f"{int(kb) / 1024:.0f} | {est:.4f} | {scipy_cells} |")
            print(lines[-1], flush=True)
    with open(out, "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    sys.exit(main())
