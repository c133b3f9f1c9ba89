#!/usr/bin/python3
"""Train CTGAN (sdv-dev/CTGAN) on a CSV and sample rows from it, for bench/tabular/run.sh.

CTGAN's code is not part of gantool: pass the folder that holds checkouts of sdv-dev/CTGAN
and sdv-dev/RDT as --ctgan-src. RDT imports `faker` at import time but CTGAN's path never
uses it; when faker is not installed, a stand-in module is written to a temporary folder.
Rows with a missing value are dropped (CTGAN refuses NaN in continuous columns). Prints one
JSON line: {"train_s", "sample_s", "rows_train", "dropped"}.
"""
import argparse
import json
import os
import random
import sys
import tempfile
import time

FAKER_STANDIN = '''
class Faker:
    def __init__(self, *args, **kwargs):
        pass
    def __getattr__(self, name):
        raise RuntimeError('faker stand-in: Faker.%s used' % name)
AVAILABLE_LOCALES = ['en_US']
DEFAULT_LOCALE = 'en_US'
'''
PROVIDERS_STANDIN = '''
class BaseProvider:
    def lexify(self, *args, **kwargs):
        raise RuntimeError('faker stand-in: lexify used')
'''


def import_ctgan(src):
    sys.path[:0] = [os.path.join(src, 'CTGAN'), os.path.join(src, 'RDT')]
    try:
        import faker  # noqa: F401
    except ImportError:
        stub = tempfile.mkdtemp(prefix='faker_standin_')
        os.makedirs(os.path.join(stub, 'faker'))
        with open(os.path.join(stub, 'faker', '__init__.py'), 'w') as f:
            f.write('from faker import providers  # noqa: F401\n' + FAKER_STANDIN)
        with open(os.path.join(stub, 'faker', 'providers.py'), 'w') as f:
            f.write(PROVIDERS_STANDIN)
        with open(os.path.join(stub, 'faker', 'config.py'), 'w') as f:
            f.write("AVAILABLE_LOCALES = ['en_US']\nDEFAULT_LOCALE = 'en_US'\n")
        sys.path.insert(0, stub)
    from ctgan import CTGAN
    return CTGAN


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--ctgan-src', required=True)
    p.add_argument('--train', required=True)
    p.add_argument('--out', required=True)
    p.add_argument('--n', type=int, required=True)
    p.add_argument('--epochs', type=int, default=300)
    p.add_argument('--seed', type=int, default=1)
    p.add_argument('--threads', type=int, default=2)
    p.add_argument('--datetime', action='append', default=[],
                   help='COL=FORMAT: train on the day number, write back as text in FORMAT')
    a = p.parse_args()
    import numpy as np
    import pandas as pd
    import torch
    CTGAN = import_ctgan(a.ctgan_src)
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    np.random.seed(a.seed)
    random.seed(a.seed)

    df = pd.read_csv(a.train)
    rows = len(df)
    df = df.dropna()
    for c in df.columns:  # integer columns that NaN made float
        if df[c].dtype.kind == 'f' and len(df) and np.all(np.mod(df[c].to_numpy(), 1) == 0):
            df[c] = df[c].astype('int64')
    epoch0 = pd.Timestamp('1970-01-01')
    formats = dict(spec.split('=', 1) for spec in a.datetime)
    for col, fmt in formats.items():
        df[col] = ((pd.to_datetime(df[col], format=fmt) - epoch0) // pd.Timedelta(days=1)).astype('int64')
    discrete = [c for c in df.columns if df[c].dtype == object]

    model = CTGAN(epochs=a.epochs, verbose=False)
    t0 = time.perf_counter()
    model.fit(df, discrete_columns=discrete)
    train_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    out = model.sample(a.n)
    sample_s = time.perf_counter() - t0
    for col, fmt in formats.items():
        days = pd.to_numeric(out[col]).round().astype('int64')
        out[col] = (epoch0 + pd.to_timedelta(days, unit='D')).dt.strftime(fmt)
    out.to_csv(a.out, index=False)
    print(json.dumps({'train_s': round(train_s, 3), 'sample_s': round(sample_s, 3),
                      'rows_train': int(len(df)), 'dropped': int(rows - len(df))}))


if __name__ == '__main__':
    main()
