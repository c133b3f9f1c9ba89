#!/usr/bin/python3
"""Validation suite of gantool eval-jsd: pairs of distributions whose true JSD is computed
independently of every estimator, sampled at 20,000 rows per side; each gantool method and
the estimators people use today are run on the same files.

True values (nats):
  - disjoint supports: ln 2;
  - 1-D pairs: numerical integration (Simpson, 400,001 points over ±12 std of both);
  - 2-D pairs (Gaussians, the ring and grid mixtures): integration on a grid fine enough
    for the narrowest mode (step ≤ std/8);
  - 8-D and 32-D Gaussians: Monte Carlo with the exact densities, 10^6 draws per side
    (standard error < 0.0005).
Usual estimators, run here in Python:
  - plug-in histogram with Freedman–Diaconis bins (numpy.histogramdd), dimension ≤ 3;
  - k-NN KL estimator (Wang, Kulkarni & Verdú 2009, k = 5, scipy cKDTree) applied to
    KL(P‖M) and KL(Q‖M) with the pooled sample standing for M;
  - scikit-learn's gradient boosting (HistGradientBoostingClassifier) with 2-fold
    cross-fitting, JSD = ln 2 + ½E_A[ln D] + ½E_B[ln(1 − D)].
Mixed tables (bench/jsd_mixed.py: a category with known probabilities, a yes/no flag and
Gaussian columns whose means depend on it, a column missing at a rate that depends on it),
true JSD by integration over the cells of the discrete part; written as CSV and imported by
gantool prepare as typed tables. There the usual estimator is gradient boosting on one-hot
categories (missing values left NaN); the histogram and WKV do not apply.
Writes the table (error of each estimate, and seconds) to OUT (markdown) and JSON next to it.

usage: validate_jsd.py GANTOOL WORK_DIR OUT [--rows 20000] [--pairs all|fast|mixed]
"""
import argparse
import json
import os
import subprocess
import sys
import time

import h5py
import numpy as np
from scipy.integrate import simpson
from scipy.spatial import cKDTree
from scipy.special import logsumexp

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import jsd_mixed  # noqa: E402

LN2 = np.log(2)


def gauss_logpdf(x, mu, sd):
    d = x.shape[-1]
    return -0.5 * np.sum(((x - mu) / sd) ** 2, -1) - d * np.log(sd) - 0.5 * d * np.log(2 * np.pi)


class Gauss:
    def __init__(self, d, shift=0.0, sd=1.0):
        self.d, self.mu, self.sd = d, np.zeros(d), sd
        self.mu[0] = shift

    def sample(self, n, rng):
        return self.mu + self.sd * rng.standard_normal((n, self.d))

    def logpdf(self, x):
        return gauss_logpdf(x, self.mu, self.sd)

    def box(self):
        return self.mu - 12 * self.sd, self.mu + 12 * self.sd

    def step(self):
        return self.sd / 8


class Mixture:
    def __init__(self, centres, sd):
        self.c, self.sd, self.d = np.asarray(centres, float), sd, 2

    def sample(self, n, rng):
        return self.c[rng.integers(0, len(self.c), n)] + self.sd * rng.standard_normal((n, 2))

    def logpdf(self, x):
        return logsumexp(np.stack([gauss_logpdf(x, c, self.sd) for c in self.c]), 0) - np.log(len(self.c))

    def box(self):
        return self.c.min(0) - 8 * self.sd, self.c.max(0) + 8 * self.sd

    def step(self):
        return self.sd / 8


class Uniform1:
    def __init__(self, lo, hi):
        self.lo, self.hi, self.d = lo, hi, 1

    def sample(self, n, rng):
        return rng.uniform(self.lo, self.hi, (n, 1))


def ring(keep=8):
    a = 2 * np.pi * np.arange(8) / 8
    return Mixture(np.c_[2 * np.cos(a), 2 * np.sin(a)][:keep], 0.02)


def grid(keep=25):
    return Mixture([(x, y) for x in (-4, -2, 0, 2, 4) for y in (-4, -2, 0, 2, 4)][:keep], 0.05)


def true_jsd(p, q):
    if isinstance(p, Uniform1):
        return LN2  # the pairs of uniforms here have disjoint supports
    if p.d <= 2:
        lo = np.minimum(p.box()[0], q.box()[0])
        hi = np.maximum(p.box()[1], q.box()[1])
        step = min(p.step(), q.step())
        axes = [np.linspace(lo[i], hi[i], int(np.ceil((hi[i] - lo[i]) / step)) | 1) for i in range(p.d)]
        if p.d == 1:
            x = axes[0][:, None]
            lp, lq = p.logpdf(x), q.logpdf(x)
            lm = np.logaddexp(lp, lq) - LN2
            f = 0.5 * np.exp(lp) * (lp - lm) + 0.5 * np.exp(lq) * (lq - lm)
            return float(simpson(f, x=axes[0]))
        total = 0.0
        for i in range(len(axes[0])):  # one column of the grid at a time
            x = np.c_[np.full(len(axes[1]), axes[0][i]), axes[1]]
            lp, lq = p.logpdf(x), q.logpdf(x)
            lm = np.logaddexp(lp, lq) - LN2
            f = 0.5 * np.exp(lp) * (lp - lm) + 0.5 * np.exp(lq) * (lq - lm)
            total += simpson(f, x=axes[1]) * (axes[0][1] - axes[0][0])
        return float(total)
    rng = np.random.default_rng(12345)
    n = 1_000_000
    x, y = p.sample(n, rng), q.sample(n, rng)
    lpx, lqx, lpy, lqy = p.logpdf(x), q.logpdf(x), p.logpdf(y), q.logpdf(y)
    return float(0.5 * np.mean(LN2 + lpx - np.logaddexp(lpx, lqx)) + 0.5 * np.mean(LN2 + lqy - np.logaddexp(lpy, lqy)))


def pairs(which):
    out = []
    for d in (1, 2, 8, 32):
        scale = {1: 2.0, 2: 1.5, 8: 1.25, 32: 1.1}[d]
        out += [(f"identical N(0, I), d={d}", Gauss(d), Gauss(d)),
                (f"N(0, I) vs mean shifted by 1, d={d}", Gauss(d), Gauss(d, shift=1.0)),
                (f"N(0, I) vs std × {scale}, d={d}", Gauss(d), Gauss(d, sd=scale))]
    out += [("ring, 8 modes vs 6", ring(), ring(6)),
            ("ring vs itself", ring(), ring()),
            ("grid, 25 modes vs 20", grid(), grid(20)),
            # Differences at the scale of a mode, as between a GAN's samples and its data:
            ("ring vs ring with modes 2× wider", ring(), Mixture(ring().c, 0.04)),
            ("grid vs grid shifted by 1 mode std", grid(), Mixture(grid().c + [0.05, 0], 0.05)),
            ("disjoint U(0,1) vs U(2,3)", Uniform1(0, 1), Uniform1(2, 3))]
    if which == "fast":  # 1-D and 2-D only
        out = [p for p in out if "d=32" not in p[0] and "d=8" not in p[0]]
    if which == "mixed":
        out = []
    return out + jsd_mixed.pairs()


# ---- the usual estimators ----------------------------------------------------------

def fd_hist(a, b):
    if a.shape[1] > 3:
        return None
    z = np.vstack([a, b])
    edges = [np.histogram_bin_edges(z[:, i], bins="fd") for i in range(z.shape[1])]
    cells = np.prod([len(e) - 1 for e in edges])
    if cells > 5e7:
        return None
    p = np.histogramdd(a, bins=edges)[0].ravel() / len(a)
    q = np.histogramdd(b, bins=edges)[0].ravel() / len(b)
    m = (p + q) / 2
    kl = lambda x: np.sum(x[x > 0] * np.log(x[x > 0] / m[x > 0]))
    return 0.5 * kl(p) + 0.5 * kl(q)


def wkv_knn(a, b, k=5):
    """KL(P‖M) by Wang–Kulkarni–Verdú with the pooled sample (self excluded) for M."""
    n = min(len(a), len(b))
    a, b = a[:n], b[:n]
    z = np.vstack([a, b])
    mu, sd = z.mean(0), z.std(0)
    sd[sd == 0] = 1
    a, b = (a - mu) / sd, (b - mu) / sd
    d = a.shape[1]
    ta, tb = cKDTree(a), cKDTree(b)

    def half(x, tx, ty):
        dx = tx.query(x, k + 1)[0][:, 1:]
        dy = ty.query(x, k)[0].reshape(len(x), k)
        nu = np.sort(np.hstack([dx, dy]), 1)[:, k - 1]
        rho = dx[:, k - 1]
        ok = (rho > 0) & (nu > 0)
        return np.mean(d * np.log(nu[ok] / rho[ok]) + np.log((2 * n - 1) / (n - 1)))

    return 0.5 * half(a, ta, tb) + 0.5 * half(b, tb, ta)


def boosting(a, b, seed=0):
    from sklearn.ensemble import HistGradientBoostingClassifier
    z = np.vstack([a, b])
    y = np.r_[np.ones(len(a)), np.zeros(len(b))]
    fold = np.random.default_rng(seed).integers(0, 2, len(z))
    logit = np.zeros(len(z))
    for f in range(2):
        m = HistGradientBoostingClassifier(random_state=seed).fit(z[fold != f], y[fold != f])
        p = np.clip(m.predict_proba(z[fold == f])[:, 1], 1e-12, 1 - 1e-12)
        logit[fold == f] = np.log(p) - np.log1p(-p)
    la, lb = logit[: len(a)], logit[len(a):]
    return LN2 - 0.5 * np.mean(np.logaddexp(0, -la)) - 0.5 * np.mean(np.logaddexp(0, lb))


def timed(f, *args):
    t0 = time.perf_counter()
    v = f(*args)
    return v, time.perf_counter() - t0


def main():
    p = argparse.ArgumentParser()
    p.add_argument("gantool")
    p.add_argument("work")
    p.add_argument("out")
    p.add_argument("--rows", type=int, default=20000)
    p.add_argument("--pairs", default="all")
    a = p.parse_args()
    gantool, out = os.path.abspath(a.gantool), os.path.abspath(a.out)
    os.makedirs(a.work, exist_ok=True)
    os.chdir(a.work)
    ours = ["auto", "hist", "knn", "classifier"]
    usual = [("FD histogram", fd_hist), ("k-NN KL (WKV)", wkv_knn), ("gradient boosting", boosting)]
    results = []
    for i, (name, P, Q) in enumerate(pairs(a.pairs)):
        rng = np.random.default_rng(1000 + i)
        mixed = isinstance(P, jsd_mixed.MixedTable)
        if mixed:
            fa, fb = P.frame(a.rows, rng), Q.frame(a.rows, rng)
            jsd_mixed.write_table(gantool, fa, "a")
            jsd_mixed.write_table(gantool, fb, "b")
            truth, dim = jsd_mixed.true_jsd(P, Q), fa.shape[1]
        else:
            xa, xb = P.sample(a.rows, rng).astype(np.float32), Q.sample(a.rows, rng).astype(np.float32)
            for path, x in (("a.h5", xa), ("b.h5", xb)):
                with h5py.File(path, "w") as f:
                    f["data"] = x
            truth, dim = true_jsd(P, Q), xa.shape[1]
        row = {"pair": name, "dim": dim, "true": truth, "est": {}, "seconds": {}}
        for m in ours:
            if m == "hist" and (dim > 3 or mixed):
                continue
            t0 = time.perf_counter()
            r = subprocess.run([gantool, "eval-jsd", "a.h5", "b.h5", "--method", m, "--json", "--threads", "2"],
                               check=True, capture_output=True, text=True)
            row["seconds"][m] = time.perf_counter() - t0
            j = json.loads(r.stdout)
            row["est"][m] = j["jsd"]
            if m == "auto":
                row["auto_method"] = j["method"]
                row["ci"] = (j["ci_low"], j["ci_high"])
                row["cells"] = j.get("discrete_cells")
        for label, f in usual:
            if mixed:
                v, s = timed(lambda: boosting(*jsd_mixed.one_hot(fa, fb))) if label == "gradient boosting" else (None, 0)
            else:
                v, s = timed(f, xa.astype(np.float64), xb.astype(np.float64))
            if v is not None:
                row["est"][label], row["seconds"][label] = float(v), s
        results.append(row)
        errs = "  ".join(f"{k} {v - truth:+.4f}" for k, v in row["est"].items())
        auto = f"  (auto: {row['auto_method']}{', %d cells' % row['cells'] if row.get('cells') else ''})"
        print(f"{name:36s} true {truth:.4f}  {errs}{auto}", flush=True)

    methods = ours + [u[0] for u in usual]
    lines = [f"eval-jsd validation: {a.rows:,} rows per side; true JSD in nats, then each estimator's error "
             "(estimate − true) and, in the last rows, mean and worst absolute error and mean seconds", "",
             "| pair | dim | true | " + " | ".join(methods) + " |", "|" + " --- |" * (3 + len(methods))]
    for r in results:
        cells = [f"{r['est'][m] - r['true']:+.4f}" if m in r["est"] else "–" for m in methods]
        lines.append(f"| {r['pair']} | {r['dim']} | {r['true']:.4f} | " + " | ".join(cells) + " |")
    for label, agg in (("mean abs error", np.mean), ("worst abs error", np.max)):
        cells = []
        for m in methods:
            e = [abs(r["est"][m] - r["true"]) for r in results if m in r["est"]]
            cells.append(f"{agg(e):.4f} ({len(e)})" if e else "–")
        lines.append(f"| {label} | | | " + " | ".join(cells) + " |")
    cells = []
    for m in methods:
        s = [r["seconds"][m] for r in results if m in r["seconds"]]
        cells.append(f"{np.mean(s):.2f}" if s else "–")
    lines.append("| mean seconds | | | " + " | ".join(cells) + " |")
    with open(out, "w") as f:
        f.write("\n".join(lines) + "\n")
    with open(os.path.splitext(out)[0] + ".json", "w") as f:
        json.dump(results, f, indent=1)
    print("\n".join(lines))


if __name__ == "__main__":
    sys.exit(main())
