#!/usr/bin/python3
"""Speed of gantool report: 1,000,000 × 20 mixed columns (10 continuous, 3 integer, 1 datetime,
4 categorical of 3 to 40 categories, 2 boolean; 5% missing in 3 columns) against 1,000,000
rows, in three runs: the default sections (shapes, pairs, detection), + --target (ML
efficacy, categorical target), + --train (1,000,000 training rows: privacy). 2 threads; wall
seconds and peak resident memory from GNU time. Tables are written with h5py in the typed
layout of lib/io/table_file.hpp. Writes the table to OUT.

usage: report_speed.py GANTOOL WORK_DIR OUT [ROWS]
"""
import json
import os
import subprocess
import sys

import h5py
import numpy as np

CATEGORIES = {"c0": 3, "c1": 5, "c2": 12, "c3": 40}


def write_table(path, rows, seed, shift):
    rng = np.random.default_rng(seed)
    z = rng.standard_normal((rows, 4))
    cols = {}
    for i in range(10):  # continuous, correlated through z
        cols[f"x{i}"] = ("continuous", z[:, i % 4] * (1 + 0.1 * i) + 0.3 * rng.standard_normal(rows) + shift * (i == 0))
    for i in range(3):
        cols[f"n{i}"] = ("integer", np.floor(10 * np.abs(z[:, i]) + rng.integers(0, 3, rows)).astype(np.int64))
    cols["day"] = ("datetime", (1500000000 + 86400 * np.floor(365 * rng.random(rows) + 30 * z[:, 1])).astype(np.int64))
    for name, k in CATEGORIES.items():
        logits = np.outer(z[:, 2], np.linspace(-1, 1, k)) + rng.gumbel(size=(rows, k))
        cols[name] = ("categorical", np.argmax(logits, axis=1).astype(np.int32))
    cols["b0"] = ("boolean", z[:, 3] + 0.5 * rng.standard_normal(rows) > 0)
    cols["b1"] = ("boolean", rng.random(rows) < 0.3)
    missing = {"x1": 0.05, "n1": 0.05, "c1": 0.05}
    with h5py.File(path, "w") as f:
        f.attrs["format"] = "gantool-dataset"
        f.attrs["format_version"] = np.int64(2)
        g = f.create_group("table")
        g.attrs["columns"] = list(cols)
        for name, (kind, values) in cols.items():
            if name in missing:
                m = rng.random(rows) < missing[name]
                f.create_dataset("missing/" + name, data=m.astype(np.uint8))
                values = values.copy()
                values[m] = -1 if kind == "categorical" else 0
            ds = g.create_dataset(name, data=values)
            ds.attrs["kind"] = kind
            if kind == "categorical":
                ds.attrs["categories"] = [f"{name}_{i:02d}" for i in range(CATEGORIES[name])]
                ds.attrs["counts"] = np.bincount(values[values >= 0], minlength=CATEGORIES[name]).astype(np.int64)
            if kind == "boolean":
                ds.attrs["categories"] = ["false", "true"]
                ds.attrs["counts"] = np.array([(~values).sum(), values.sum()], dtype=np.int64)
            if kind == "datetime":
                ds.attrs["format"] = "%Y-%m-%d"


def main():
    gantool, work, out = os.path.abspath(sys.argv[1]), sys.argv[2], os.path.abspath(sys.argv[3])
    rows = int(sys.argv[4]) if len(sys.argv) > 4 else 1_000_000
    os.makedirs(work, exist_ok=True)
    os.chdir(work)
    write_table("real.h5", rows, 1, 0.0)
    write_table("synth.h5", rows, 2, 0.2)
    write_table("train.h5", rows, 3, 0.0)
    lines = [f"gantool report speed: {rows:,} × 20 mixed columns against {rows:,} rows, 2 threads", "",
             "| run | seconds | peak MB | shapes | pairs | detection AUC | efficacy (synth / train) | DCR ratio |",
             "| --- |" + " --- |" * 7]
    runs = [("shapes, pairs, detection", []), ("+ --target c2", ["--target", "c2"]),
            ("+ --train (privacy), --target c2", ["--train", "train.h5", "--target", "c2"])]
    for name, extra in runs:
        cmd = ["/usr/bin/time", "-f", "%e %M", "-o", "time.txt", gantool, "report", "real.h5", "synth.h5", "--json",
               "--threads", "2", "-q"] + extra
        r = subprocess.run(cmd, check=True, capture_output=True, text=True)
        seconds, kb = open("time.txt").read().split()
        j = json.loads(r.stdout)
        eff = j.get("ml_efficacy")
        eff_text = f"{eff['synth']:.3f} / {eff['train']:.3f}" if eff and eff["train"] is not None else (
            f"{eff['synth']:.3f}" if eff else "–")
        priv = j.get("privacy")
        lines.append(f"| {name} | {float(seconds):.1f} | {int(kb) / 1024:.0f} | {j['column_shapes']['score']:.3f} | "
                     f"{j['column_pair_trends']['score']:.3f} | {j['detection']['auc']:.3f} | {eff_text} | "
                     f"{priv['dcr_median_ratio']:.3f} |" if priv else
                     f"| {name} | {float(seconds):.1f} | {int(kb) / 1024:.0f} | {j['column_shapes']['score']:.3f} | "
                     f"{j['column_pair_trends']['score']:.3f} | {j['detection']['auc']:.3f} | {eff_text} | – |")
        print(lines[-1], flush=True)
    with open(out, "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    sys.exit(main())
