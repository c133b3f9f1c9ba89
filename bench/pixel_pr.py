#!/usr/bin/python3
"""k-NN precision and recall (Kynkäänniemi et al. 2019, k = 3) in raw pixel space: a second
view, beside eval-fd's classifier features, of how many samples sit inside the real images'
neighbourhoods (bench/images.sh). Usage: pixel_pr.py REAL.h5 FAKE.h5... (first 10,000 images
of each, /data as (N, C, H, W) bytes); one line per FAKE."""
import sys

import h5py
import numpy as np

K = 3
N = 10000


def load(path):
    x = h5py.File(path, 'r')['data']
    n = min(N, x.shape[0])
    return x[:n].reshape(n, -1).astype(np.float32) / 255


def squared_distances(a, b):
    return np.maximum((a * a).sum(1)[:, None] + (b * b).sum(1)[None, :] - 2 * a @ b.T, 0)


def radii(x):
    """Squared distance of each row to its K-th nearest other row (column 0 is itself)."""
    r = np.empty(len(x), np.float32)
    for i in range(0, len(x), 1000):
        r[i:i + 1000] = np.partition(squared_distances(x[i:i + 1000], x), K, axis=1)[:, K]
    return r


def share_inside(queries, x, r):
    hit = np.zeros(len(queries), bool)
    for i in range(0, len(queries), 1000):
        hit[i:i + 1000] = (squared_distances(queries[i:i + 1000], x) <= r[None, :]).any(1)
    return hit.mean()


real = load(sys.argv[1])
real_radii = radii(real)
for path in sys.argv[2:]:
    fake = load(path)
    print('%s: pixel precision %.3f, pixel recall %.3f'
          % (path, share_inside(fake, real, real_radii), share_inside(real, fake, radii(fake))))
