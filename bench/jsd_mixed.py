"""Mixed tables for bench/validate_jsd.py: a categorical column with known probabilities
(different in P and Q), an optional yes/no column whose probability depends on the category,
and Gaussian columns x0, x1, ... whose means depend on the category, x0 missing with a
probability that depends on the category.

The true JSD splits over the cells of the discrete part (category, flag, x0 missing or not):
JSD = Σ_cells ∫ [½ P_c p_c log(P_c p_c / m) + ½ Q_c q_c log(Q_c q_c / m)] dx over the cell's
present columns, m = ½(P_c p_c + Q_c q_c) — Simpson's rule on a grid (step std/8, ±12 std)
for 1 and 2 present columns, Monte Carlo with the exact densities (10^6 draws a side per
cell) above, the discrete mass alone for a cell without a present column.
Files: CSV (missing values as empty cells) imported with `gantool prepare`.
"""
import subprocess

import numpy as np
import pandas as pd
from scipy.integrate import simpson

LN2 = np.log(2)


class MixedTable:
    def __init__(self, prob, means, missing=None, flag=None):
        self.prob = np.asarray(prob, float)          # (categories,)
        self.means = np.asarray(means, float)        # (categories, d), or (categories, 0)
        self.missing = None if missing is None else np.asarray(missing, float)  # P(x0 missing | category)
        self.flag = None if flag is None else np.asarray(flag, float)           # P(flag = yes | category)
        self.d = self.means.shape[1]

    def cells(self):
        """{(category, flag, missing): (probability, means of the present columns)}."""
        out = {}
        for c, pc in enumerate(self.prob):
            for f, pf in ((None, 1.0),) if self.flag is None else ((1, self.flag[c]), (0, 1 - self.flag[c])):
                for m, pm in ((0, 1.0),) if self.missing is None else ((0, 1 - self.missing[c]), (1, self.missing[c])):
                    if pc * pf * pm > 0:
                        out[(c, f, m)] = (pc * pf * pm, self.means[c][1:] if m else self.means[c])
        return out

    def frame(self, n, rng):
        cat = rng.choice(len(self.prob), size=n, p=self.prob)
        cols = {"cat": np.array([f"c{c}" for c in range(len(self.prob))])[cat]}
        if self.flag is not None:
            cols["flag"] = np.where(rng.random(n) < self.flag[cat], "yes", "no")
        x = self.means[cat] + rng.standard_normal((n, self.d))
        if self.missing is not None:
            x[rng.random(n) < self.missing[cat], 0] = np.nan
        for j in range(self.d):
            cols[f"x{j}"] = x[:, j]
        return pd.DataFrame(cols)


def _gauss_logpdf(x, mu):
    return -0.5 * np.sum((x - mu) ** 2, -1) - 0.5 * len(mu) * np.log(2 * np.pi)


def _cell_jsd(pc, mp, qc, mq):
    """∫ ½ a log(a/m) + ½ b log(b/m) for a = pc·N(mp, I), b = qc·N(mq, I)."""
    def f(la, lb):  # log densities
        lm = np.logaddexp(la, lb) - LN2
        return 0.5 * np.exp(la) * (la - lm) + 0.5 * np.exp(lb) * (lb - lm)

    if pc == 0 or qc == 0:
        return 0.5 * (pc + qc) * LN2
    d = len(mp)
    if d == 0:
        return float(f(np.log(pc), np.log(qc)))
    if d <= 2:
        lo, hi = np.minimum(mp, mq) - 12, np.maximum(mp, mq) + 12
        axes = [np.linspace(lo[i], hi[i], int(np.ceil((hi[i] - lo[i]) * 8)) | 1) for i in range(d)]
        if d == 1:
            x = axes[0][:, None]
            return float(simpson(f(np.log(pc) + _gauss_logpdf(x, mp), np.log(qc) + _gauss_logpdf(x, mq)), x=axes[0]))
        g0, g1 = np.meshgrid(axes[0], axes[1], indexing="ij")
        x = np.stack([g0, g1], -1)
        v = f(np.log(pc) + _gauss_logpdf(x, mp), np.log(qc) + _gauss_logpdf(x, mq))
        return float(simpson(simpson(v, x=axes[1], axis=1), x=axes[0]))
    rng = np.random.default_rng(777)
    xa, xb = mp + rng.standard_normal((1000000, d)), mq + rng.standard_normal((1000000, d))
    total = 0.0
    for x, side in ((xa, 0), (xb, 1)):
        la, lb = np.log(pc) + _gauss_logpdf(x, mp), np.log(qc) + _gauss_logpdf(x, mq)
        own, w = (la, pc) if side == 0 else (lb, qc)
        total += 0.5 * w * np.mean(own - (np.logaddexp(la, lb) - LN2))
    return float(total)


def true_jsd(p, q):
    cp, cq = p.cells(), q.cells()
    total = 0.0
    for key in set(cp) | set(cq):
        (pc, mp), (qc, mq) = cp.get(key, (0.0, None)), cq.get(key, (0.0, None))
        total += _cell_jsd(pc, mp if mp is not None else mq, qc, mq if mq is not None else mp)
    return total


def pairs():
    three = [0.5, 0.3, 0.2]
    return [
        ("mixed: 4 categories alone", MixedTable([0.4, 0.3, 0.2, 0.1], np.zeros((4, 0))),
         MixedTable([0.25] * 4, np.zeros((4, 0)))),
        ("mixed: category × 1-D, means by category", MixedTable(three, [[0], [2], [-2]]),
         MixedTable([0.3, 0.3, 0.4], [[0.5], [2], [-1]])),
        ("mixed: category × 2-D, means by category", MixedTable(three, [[0, 0], [2, 0], [0, 2]]),
         MixedTable([0.3, 0.3, 0.4], [[0.5, 0], [2, 0.5], [0, 2]])),
        ("mixed: category × 1-D, missing by category", MixedTable(three, [[0], [1], [-1]], missing=[0.05, 0.3, 0.5]),
         MixedTable(three, [[0], [1], [-1]], missing=[0.2, 0.1, 0.5])),
        ("mixed: identical, category × flag × 2-D, missing", MixedTable(three, [[0, 0], [2, 0], [0, 2]], [0.1, 0.3, 0.5], [0.2, 0.5, 0.9]),
         MixedTable(three, [[0, 0], [2, 0], [0, 2]], [0.1, 0.3, 0.5], [0.2, 0.5, 0.9])),
        ("mixed: category × flag × 2-D, all differ", MixedTable(three, [[0, 0], [2, 0], [0, 2]], [0.1, 0.3, 0.5], [0.2, 0.5, 0.9]),
         MixedTable([0.4, 0.4, 0.2], [[0.5, 0], [2, 1], [0, 2]], [0.3, 0.3, 0.2], [0.4, 0.5, 0.6])),
        ("mixed: 50 categories × 1-D", MixedTable(np.random.default_rng(5).dirichlet(np.full(50, 5.0)), np.arange(50)[:, None] * 0.3),
         MixedTable(np.random.default_rng(6).dirichlet(np.full(50, 5.0)), np.arange(50)[:, None] * 0.3 + 0.3)),
        ("mixed: category × 4-D, missing by category", MixedTable(three, np.eye(3, 4) * 1.5, missing=[0.1, 0.2, 0.4]),
         MixedTable([0.3, 0.4, 0.3], np.eye(3, 4) * 1.5 + 0.5, missing=[0.3, 0.2, 0.1])),
    ]


def write_table(gantool, frame, name):
    """NAME.csv, then NAME.h5 by gantool prepare (a typed table)."""
    frame.to_csv(f"{name}.csv", index=False, na_rep="")
    subprocess.run([gantool, "prepare", "-q", "--from", f"{name}.csv", "-o", f"{name}.h5"], check=True)


def one_hot(fa, fb):
    """The two tables as numbers for scikit-learn's gradient boosting: categories one-hot,
    a missing x0 left NaN (which it handles natively)."""
    z = pd.get_dummies(pd.concat([fa, fb], ignore_index=True), dtype=float).to_numpy()
    return z[: len(fa)], z[len(fa):]
