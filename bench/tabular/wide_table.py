#!/usr/bin/python3
"""Writes a mixed table of ROWS rows × 50 columns to a CSV, for the tabular model's memory
benchmark: 20 continuous (mixtures of 1 to 3 Gaussians, some with 5% missing), 10 integer
(Poisson counts, one mostly zero), 15 categorical (2 to 40 categories, skewed), 5 boolean.
Usage: wide_table.py ROWS OUT.csv [SEED]"""
import sys
import numpy as np

rows, out = int(sys.argv[1]), sys.argv[2]
rng = np.random.default_rng(int(sys.argv[3]) if len(sys.argv) > 3 else 1)
cols = {}
for j in range(20):
    k = 1 + j % 3
    centre = rng.normal(0, 10, k)
    which = rng.integers(0, k, rows)
    v = np.round(centre[which] + rng.normal(0, 1 + j % 4, rows), 3)
    text = v.astype(str).astype(object)
    if j % 4 == 0:
        text[rng.random(rows) < 0.05] = ''
    cols[f'x{j}'] = text
for j in range(10):
    v = rng.poisson(0.1 if j == 0 else 1 + 3 * j, rows)
    cols[f'n{j}'] = v.astype(str)
for j in range(15):
    k = 2 + (j * 3) % 39
    p = 1.0 / np.arange(1, k + 1)
    cols[f'c{j}'] = np.array([f'cat{i}' for i in range(k)], dtype=object)[rng.choice(k, rows, p=p / p.sum())]
for j in range(5):
    cols[f'b{j}'] = np.where(rng.random(rows) < 0.3 + 0.1 * j, 'yes', 'no')
names = list(cols)
with open(out, 'w') as f:
    f.write(','.join(names) + '\n')
    chunk = 100000
    for start in range(0, rows, chunk):
        block = np.column_stack([np.asarray(cols[n][start:start + chunk], dtype=object) for n in names])
        f.write('\n'.join(','.join(r) for r in block) + '\n')
