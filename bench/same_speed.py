#!/usr/bin/python3
"""Same speed: bench_gan of an old build against a new one, alternated in one run.

Runs `bench_gan --config C --steps N --threads T` for C in small, medium and large, old and
new in turn (old, new, old, new, ... for --rounds rounds; the first of each pair alternates
between rounds so that neither side always runs first), and prints a table of the median
steps/s of each side, their ratio new/old, and "SLOWER" for every configuration where the
new build is more than --tolerance (3%) slower. Exits 1 when one is.

Both sides run with OMP_NUM_THREADS=T and bench_gan's default wait policy (gantool's
passive one), as `gantool train` does. On a shared machine the medians of alternated runs
cancel slow drifts; a ratio near the tolerance is worth a second run with more --rounds.
About 6 minutes with the defaults on 2 cores.

usage: same_speed.py OLD_BENCH_GAN NEW_BENCH_GAN [--rounds 5] [--threads 2]
                     [--configs small,medium,large] [--tolerance 0.03] [--scale 1]

An old build to compare against (the release before a change, e.g. main's commit):
    git worktree add /tmp/gantool-old <commit>
    cmake -S /tmp/gantool-old -B /tmp/gantool-old/build -DCMAKE_BUILD_TYPE=Release
    cmake --build /tmp/gantool-old/build -j2 --target gantool bench_gan
    make same-speed OLD=/tmp/gantool-old/build
"""
import argparse
import json
import os
import statistics
import subprocess
import sys

# Steps of one timed run per configuration, about 4-6 s each on 2 cores (--scale multiplies
# them), and the untimed warm-up steps before them (primitives, caches, page faults).
STEPS = {"small": 2000, "medium": 300, "large": 30}
WARMUP = {"small": 20, "medium": 10, "large": 3}


def run(bench_gan, config, steps, threads):
    """steps/s of one bench_gan run (its last line is one JSON object)."""
    env = dict(os.environ, OMP_NUM_THREADS=str(threads))
    cmd = [bench_gan, "--config", config, "--steps", str(steps), "--warmup", str(WARMUP[config]),
           "--threads", str(threads)]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, env=env).stdout
    return json.loads(out.strip().splitlines()[-1])["steps_per_s"]


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("old_bench_gan")
    p.add_argument("new_bench_gan")
    p.add_argument("--rounds", type=int, default=5, help="alternated old/new pairs per configuration")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--configs", default="small,medium,large")
    p.add_argument("--tolerance", type=float, default=0.03, help="largest allowed slowdown (0.03: 3%%)")
    p.add_argument("--scale", type=float, default=1.0, help="multiplies the steps of each run")
    a = p.parse_args()
    sides = {"old": a.old_bench_gan, "new": a.new_bench_gan}

    rows, slower = [], []
    for config in a.configs.split(","):
        steps = max(1, round(STEPS[config] * a.scale))
        speeds = {"old": [], "new": []}
        for r in range(a.rounds):
            order = ["old", "new"] if r % 2 == 0 else ["new", "old"]
            for side in order:
                speeds[side].append(run(sides[side], config, steps, a.threads))
            print(f"{config} round {r + 1}: old {speeds['old'][-1]:.1f}, new {speeds['new'][-1]:.1f} steps/s",
                  file=sys.stderr, flush=True)
        old, new = statistics.median(speeds["old"]), statistics.median(speeds["new"])
        ratio = new / old
        flag = "SLOWER" if ratio < 1 - a.tolerance else "ok"
        if flag != "ok":
            slower.append(config)
        best = max(speeds["new"]) / max(speeds["old"])
        spread = lambda v: (max(v) - min(v)) / statistics.median(v)  # noqa: E731
        rows.append((config, old, new, ratio, best, spread(speeds["old"]), spread(speeds["new"]), flag))

    # The verdict is on the medians; the ratio of the best runs (the least disturbed on a
    # shared machine) and the spread of each side say how far to trust it.
    print(f"bench_gan steps/s, {a.threads} threads, median of {a.rounds} alternated runs "
          f"(best: ratio of the fastest runs; spread: (max - min) / median)")
    print(f"{'config':8s} {'old':>9s} {'new':>9s} {'new/old':>8s} {'best':>6s} {'spread old':>11s} {'spread new':>11s}")
    for config, old, new, ratio, best, s_old, s_new, flag in rows:
        print(f"{config:8s} {old:9.1f} {new:9.1f} {ratio:8.3f} {best:6.3f} {s_old:11.1%} {s_new:11.1%}  {flag}")
    if slower:
        print(f"same_speed: the new build is more than {a.tolerance:.0%} slower on: {', '.join(slower)}")
        return 1
    print(f"same_speed: no configuration more than {a.tolerance:.0%} slower")
    return 0


if __name__ == "__main__":
    sys.exit(main())
