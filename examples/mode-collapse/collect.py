#!/usr/bin/python3
"""Collects the mode-collapse sweep of the Makefile beside this script (standard library only).

  collect.py csv CELL_DIR...               one CSV row per cell, from CELL_DIR/modes.json (gantool
                                           eval-modes) and CELL_DIR/jsd.json (gantool eval-jsd);
                                           CELL_DIR is .../DIST/LOSS/packP/seedS
  collect.py table results.csv [--caption TEXT]
                                           markdown in the layout of PacGAN's Table 1: per setting,
                                           the mean ± standard error over seeds, PacGAN's published
                                           figures beside the matching settings
  collect.py summary results.csv           the same means and standard errors as gnuplot data
                                           blocks, one per dataset and loss, and PacGAN's
"""
import csv
import json
import math
import os
import sys

FIELDS = ["dist", "loss", "pack", "seed", "rows", "modes", "covered", "high_quality", "reverse_kl",
          "nonfinite_rows", "jsd", "jsd_ci_low", "jsd_ci_high", "jsd_noise_floor", "jsd_rows"]

# PacGAN's Table 1 (Lin et al. 2018; the results/Table1.png of github.com/fjxmlzn/PacGAN): the
# vanilla GAN and PacGAN2/4, mean ± standard error over 10 trials, as (mean, se) of modes
# covered, high-quality percentage and reverse KL.
PACGAN = {
    ("ring", 1): ((6.3, 0.5), (98.2, 0.2), (0.45, 0.09)),
    ("ring", 2): ((7.9, 0.1), (95.6, 2.0), (0.07, 0.03)),
    ("ring", 4): ((7.8, 0.1), (95.9, 1.4), (0.07, 0.02)),
    ("grid", 1): ((17.3, 0.8), (94.8, 0.7), (0.70, 0.07)),
    ("grid", 2): ((23.8, 0.7), (91.3, 0.8), (0.13, 0.04)),
    ("grid", 4): ((24.8, 0.2), (93.6, 0.6), (0.04, 0.01)),
}
MAX_MODES = {"ring": 8, "grid": 25}
# The quantities of the table, each as (name in results.csv, scale, decimals, suffix).
QUANTITIES = [("covered", 1, 1, ""), ("high_quality", 100, 1, "%"), ("reverse_kl", 1, 2, ""), ("jsd", 1, 3, "")]


def cell_row(cell):
    """The CSV row of one cell directory."""
    parts = os.path.normpath(cell).split(os.sep)[-4:]
    dist, loss, pack, seed = parts[0], parts[1], parts[2].removeprefix("pack"), parts[3].removeprefix("seed")
    with open(os.path.join(cell, "modes.json")) as f:
        modes = json.load(f)
    with open(os.path.join(cell, "jsd.json")) as f:
        jsd = json.load(f)
    return {"dist": dist, "loss": loss, "pack": pack, "seed": seed, "rows": modes["rows"], "modes": modes["modes"],
            "covered": modes["covered"], "high_quality": modes["high_quality"], "reverse_kl": modes["reverse_kl"],
            "nonfinite_rows": modes["nonfinite_rows"], "jsd": jsd["jsd"], "jsd_ci_low": jsd["ci_low"],
            "jsd_ci_high": jsd["ci_high"], "jsd_noise_floor": jsd["noise_floor"], "jsd_rows": jsd["rows_b"]}


def write_csv(cells):
    out = csv.DictWriter(sys.stdout, FIELDS, lineterminator="\n")
    out.writeheader()
    for cell in cells:
        out.writerow(cell_row(cell))


def mean_se(values):
    """The mean and its standard error (sample standard deviation / √n; 0 for one value)."""
    n = len(values)
    mean = sum(values) / n
    if n < 2:
        return mean, 0.0
    var = sum((v - mean) ** 2 for v in values) / (n - 1)
    return mean, math.sqrt(var / n)


def settings(path):
    """{(dist, loss, pack): {quantity: (mean, se)}, "seeds": n} in the order of first appearance."""
    groups = {}
    with open(path) as f:
        for row in csv.DictReader(f):
            groups.setdefault((row["dist"], row["loss"], int(row["pack"])), []).append(row)
    summary = {}
    for key, rows in groups.items():
        summary[key] = {q: mean_se([float(r[q]) for r in rows]) for q, _, _, _ in QUANTITIES}
        summary[key]["seeds"] = len(rows)
    return summary


def cell_text(value, quantity):
    name, scale, decimals, suffix = next(q for q in QUANTITIES if q[0] == quantity)
    mean, se = value
    return f"{mean * scale:.{decimals}f} ± {se * scale:.{decimals}f}{suffix}"


def published_text(value, decimals, suffix=""):
    return f"{value[0]:.{decimals}f} ± {value[1]:.{decimals}f}{suffix}"


def write_table(path, caption):
    summary = settings(path)
    dists = list(dict.fromkeys(d for d, _, _ in summary))
    losses = list(dict.fromkeys(l for _, l, _ in summary))
    packs = sorted({p for _, _, p in summary})
    seeds = sorted({s["seeds"] for s in summary.values()})
    header = ["setting", "source"]
    for d in dists:
        header += [f"{d}: modes (max {MAX_MODES.get(d, '?')})", f"{d}: high quality", f"{d}: reverse KL",
                   f"{d}: JSD (nats)"]
    print("| " + " | ".join(header) + " |")
    print("|" + " --- |" * len(header))
    for loss in losses:
        for pack in packs:
            name = ("GAN" if pack == 1 else f"PacGAN{pack}") + f", {loss}"
            row = [name, "gantool"]
            for d in dists:
                s = summary.get((d, loss, pack))
                row += [cell_text(s[q], q) for q, _, _, _ in QUANTITIES] if s else ["–"] * 4
            print("| " + " | ".join(row) + " |")
            if loss != "nonsaturating" or not any((d, pack) in PACGAN for d in dists):
                continue
            row = ["", "PacGAN, Table 1"]
            for d in dists:
                p = PACGAN.get((d, pack))
                row += [published_text(p[0], 1), published_text(p[1], 1, "%"), published_text(p[2], 2), "–"] if p else ["–"] * 4
            print("| " + " | ".join(row) + " |")
    print()
    print(f"gantool: mean ± standard error over {', '.join(map(str, seeds))} seeds per setting; {caption}. "
          "PacGAN: mean ± standard error over 10 trials (its Table 1; the standard GAN loss, 2,500 samples scored).")


def write_summary(path):
    summary = settings(path)
    columns = "pack modes modes_se high_quality_pct high_quality_pct_se reverse_kl reverse_kl_se jsd jsd_se"
    blocks = {}
    for (d, loss, pack), s in summary.items():
        blocks.setdefault(f"{d} {loss}", []).append(
            [pack, *s["covered"], s["high_quality"][0] * 100, s["high_quality"][1] * 100, *s["reverse_kl"], *s["jsd"]])
    for (d, pack), (modes, hq, kl) in PACGAN.items():
        blocks.setdefault(f"{d} pacgan", []).append([pack, *modes, *hq, *kl, "NaN", "NaN"])
    for name, rows in blocks.items():
        print(f"# {name}\n# {columns}")
        for r in sorted(rows, key=lambda r: r[0]):
            print("\t".join(str(v) for v in r))
        print("\n")


def main(argv):
    if len(argv) >= 2 and argv[0] == "csv":
        write_csv(argv[1:])
    elif len(argv) in (2, 4) and argv[0] == "table" and (len(argv) == 2 or argv[2] == "--caption"):
        write_table(argv[1], argv[3] if len(argv) == 4 else "")
    elif len(argv) == 2 and argv[0] == "summary":
        write_summary(argv[1])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
