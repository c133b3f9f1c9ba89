#!/usr/bin/python3
"""Collects bench/tabular/run.sh's figures into one markdown table: per dataset and tool, the
mean over seeds (± standard deviation) of the end-to-end seconds and of `gantool report`'s
scores, and gantool's speed-up."""
import glob
import json
import os
import statistics
import sys


def scores(path):
    j = json.load(open(path))
    get = lambda *keys: (lambda v: v)(__import__('functools').reduce(
        lambda v, k: v.get(k) if isinstance(v, dict) else None, keys, j))
    return {'shapes': get('column_shapes', 'score'), 'pairs': get('column_pair_trends', 'score'),
            'auc': get('detection', 'auc'), 'f1': get('ml_efficacy', 'synth'),
            'f1_real': get('ml_efficacy', 'train'), 'dcr': get('privacy', 'dcr_median_ratio')}


def fmt(values, digits=3):
    values = [v for v in values if v is not None]
    if not values:
        return 'n/a'
    mean = statistics.mean(values)
    sd = statistics.stdev(values) if len(values) > 1 else 0
    return f'{mean:.{digits}f} ± {sd:.{digits}f}'


def main(folder):
    runs = {}
    for t in sorted(glob.glob(os.path.join(folder, '*.time'))):
        info = json.load(open(t))
        report = t[:-len('.time')] + '.json'
        if not os.path.exists(report):
            continue
        row = scores(report)
        row['seconds'] = info['seconds']
        runs.setdefault((info['dataset'], info['tool']), []).append(row)
    print('| dataset | tool | seeds | train + sample (s) | column shapes | pair trends | detection AUC | ML efficacy F1 (real) | DCR median ratio |')
    print('|---|---|---|---|---|---|---|---|---|')
    for (dataset, tool), rows in sorted(runs.items()):
        col = lambda k, d=3: fmt([r[k] for r in rows], d)
        f1_real = fmt([r['f1_real'] for r in rows])
        print(f"| {dataset} | {tool} | {len(rows)} | {col('seconds', 1)} | {col('shapes')} | {col('pairs')} | "
              f"{col('auc')} | {col('f1')}{'' if f1_real == 'n/a' else ' (' + f1_real.split(' ')[0] + ')'} | {col('dcr')} |")
    for dataset in sorted({d for d, _ in runs}):
        g, c = runs.get((dataset, 'gantool')), runs.get((dataset, 'ctgan'))
        if g and c:
            ratio = statistics.mean(r['seconds'] for r in c) / statistics.mean(r['seconds'] for r in g)
            print(f'\n{dataset}: gantool is {ratio:.1f}× faster end to end than CTGAN', end='')
    print()


if __name__ == '__main__':
    main(sys.argv[1] if len(sys.argv) > 1 else '.')
