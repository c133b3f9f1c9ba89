#!/usr/bin/python3
"""Kill-and-signal reliability test: does an interrupted gantool leave the old output or the new
one, complete, and nothing broken?

Five jobs write over a previous good output of the same name (made beforehand, different
content): `prepare --dist ring -n 3000000`, `prepare --from` a CSV, `sample` 1 M rows to .h5,
`export` 3 M rows to .csv, and `train` (default networks, 500 steps, --checkpoint-every 50). Each job is first
run once without interruption, to time it and keep its output as the reference. Then each
trial restores the old output, starts the job and sends SIGKILL, SIGINT or SIGTERM after a
random delay (uniform between 0 and the job's reference time) and checks:

- the target is the old file or the new one, content-identical to the references (HDF5:
  every dataset and attribute but the provenance ones that differ between runs, PROVENANCE;
  CSV: byte-identical); for train also a complete checkpoint (a valid model at an earlier
  step); never missing, unreadable, partial or anything else;
- the exit status: 137 after SIGKILL; 130/143 (death by the signal) after SIGINT/SIGTERM, or
  for train once training runs exit 130 with one line "interrupted at step K" and the model
  saved at step K; 0 only if the job finished before the signal; never 134 (abort) or 139;
- stderr: at most one line, and it is gantool's ("gantool: ...");
- a train checkpoint (after SIGKILL) or interrupt save (after SIGINT/SIGTERM) resumes with
  `gantool train --resume` to weights, optimizer state and history bit-identical to the
  uninterrupted run;
- temporaries (TEMP_GLOB beside the target): counted after each SIGKILL; none may be left
  after SIGINT/SIGTERM; after each job's trials one more uninterrupted write of the same
  output must leave none behind.

Disk full: a small tmpfs (`mount -t tmpfs`, needs root; otherwise `ulimit -f`, which fails
writes with "File too large" instead) holds the old output and less free space than the new
output needs; each job then writes over it and must exit 1 with one line naming the file and
saying the disk is full, leave the old output intact and no temporary.

Prints a markdown summary (also to WORK_DIR/reliability.md) and writes WORK_DIR/reliability.json;
exits 1 if any trial failed, listing each failure with a shell command that reproduces it.
--quick (CI): 20 SIGINT/SIGTERM trials into short training runs and resumes of the first
interrupt saves, nothing else.

usage: reliability.py GANTOOL [WORK_DIR] [--seed S] [--kills N] [--interrupts N] [--disk-full N] [--quick]
"""
import argparse
import glob
import hashlib
import json
import os
import random
import resource
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import h5py
import numpy as np

# Temporaries that an output NAME may leave beside it when the process dies (today
# .NAME.tmp-PID-N, from now on .NAME.gantool-tmp-PID-N); the one place that knows their naming.
TEMP_GLOB = ".{name}.*tmp-*"
# Attributes that record how and when a file was made, not what it holds.
PROVENANCE = {"command", "seconds"}
# The signals a trial sends.
SIGNALS = {"SIGKILL": signal.SIGKILL, "SIGINT": signal.SIGINT, "SIGTERM": signal.SIGTERM}


def status_name(rc):
    """Shell-style status: 'exit N' for a normal exit, 'N (SIGNAME)' for death by a signal."""
    if rc < 0:
        return f"{128 - rc} ({signal.Signals(-rc).name})"
    return f"exit {rc}"


class Job:
    """One gantool command writing TARGET (kind 'h5', 'csv' or 'model')."""

    def __init__(self, name, args, target, kind, old_args, checkpoint_every=0):
        self.name, self.args, self.target, self.kind, self.old_args = name, args, target, kind, old_args
        self.checkpoint_every = checkpoint_every
        self.seconds = 0.0      # uninterrupted run time
        self.new_sig = None     # content signature of the uninterrupted output
        self.old_sig = None
        self.old_copy = f"ref/{name}.old"
        self.new_copy = f"ref/{name}.new"

    def argv(self, gantool, target=None):
        """The command line, writing to target (default: self.target)."""
        return [gantool] + [(target or self.target) if a == "{target}" else a for a in self.args]


def attr_value(v):
    a = np.asarray(v)
    return (str(a.dtype) if a.dtype.kind not in "OSU" else "str", repr(a.tolist()))


def signature(path, kind):
    """What a file holds, as a comparable value; None if it is missing or unreadable."""
    if not os.path.isfile(path):
        return None
    if kind == "csv":
        with open(path, "rb") as f:
            return hashlib.sha256(f.read()).hexdigest()
    try:
        items = []
        with h5py.File(path, "r") as f:
            def visit(name, obj):
                attrs = sorted((k, attr_value(v)) for k, v in obj.attrs.items() if k not in PROVENANCE)
                if isinstance(obj, h5py.Dataset):
                    data = obj[()]
                    if kind == "model" and name == "history":
                        data = data[:, :-1]  # its last column is the wall-clock seconds
                    digest = hashlib.sha256(np.ascontiguousarray(data).tobytes()).hexdigest()
                    items.append((name, str(obj.dtype), obj.shape, digest, attrs))
                else:
                    items.append((name, attrs))
            visit("/", f)
            f.visititems(visit)
        return tuple(items)
    except Exception:  # not an HDF5 file, or a truncated one
        return None


def model_state(path):
    """(steps_done, steps_total) of a complete model file, else None."""
    try:
        with h5py.File(path, "r") as f:
            if f.attrs.get("format") != "gantool-model":
                return None
            for group in ("generator", "discriminator", "optimizer"):
                f[group].visititems(lambda n, o: o[()] if isinstance(o, h5py.Dataset) else None)
            return int(f.attrs["steps_done"]), int(f.attrs["steps_total"])
    except Exception:
        return None


def temporaries(target):
    folder, name = os.path.split(target)
    return set(glob.glob(os.path.join(glob.escape(folder or "."), TEMP_GLOB.format(name=glob.escape(name)))))


def temp_bytes(paths):
    return sum(os.path.getsize(p) for p in paths if os.path.exists(p))


class Bench:
    def __init__(self, gantool, quick):
        self.gantool, self.quick = gantool, quick
        self.trials = []      # one dict per trial
        self.strays = {}      # job -> temporaries left by kills, removed later, left after one more write

    def run(self, args, check=True, **kw):
        p = subprocess.run([self.gantool] + args, capture_output=True, text=True, **kw)
        if check and p.returncode != 0:
            sys.exit(f"reliability.py: setup failed: gantool {shlex.join(args)}: {p.stderr.strip()}")
        return p

    def prepare_job(self, job):
        os.makedirs("ref", exist_ok=True)
        for path in [job.target] + list(temporaries(job.target)):
            if os.path.exists(path):
                os.remove(path)
        self.run([a if a != "{target}" else job.target for a in job.old_args])
        shutil.copyfile(job.target, job.old_copy)
        job.old_sig = signature(job.target, job.kind)
        start = time.monotonic()
        p = subprocess.run(job.argv(self.gantool), capture_output=True, text=True)
        job.seconds = time.monotonic() - start
        if p.returncode != 0:
            sys.exit(f"reliability.py: reference run failed: {shlex.join(job.argv(self.gantool))}: {p.stderr.strip()}")
        shutil.copyfile(job.target, job.new_copy)
        job.new_sig = signature(job.target, job.kind)
        if job.new_sig is None or job.new_sig == job.old_sig:
            sys.exit(f"reliability.py: the reference output of {job.name} is unreadable or equals the old one")

    def resume(self, job):
        """Resumes job's model file to the end; True if it matches the uninterrupted run."""
        p = subprocess.run([self.gantool, "train", "--resume", job.target, "--quiet"], capture_output=True, text=True)
        ok = p.returncode == 0 and p.stderr == "" and signature(job.target, job.kind) == job.new_sig
        return ok, status_name(p.returncode), p.stderr.strip()

    def signal_trial(self, job, sig_name, delay, resume):
        shutil.copyfile(job.old_copy, job.target)
        temps_before = temporaries(job.target)
        argv = job.argv(self.gantool)
        proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        time.sleep(delay)
        finished_first = proc.poll() is not None
        if not finished_first:
            proc.send_signal(SIGNALS[sig_name])
        _, err = proc.communicate()
        rc = proc.returncode
        lines = err.splitlines()
        temps_after = temporaries(job.target)
        new_temps = temps_after - temps_before
        t = {"job": job.name, "signal": sig_name, "delay": round(delay, 3), "status": status_name(rc),
             "finished_before_signal": finished_first, "stderr": err.strip(),
             "temporaries_left": len(new_temps), "temporary_bytes": temp_bytes(new_temps),
             "earlier_temporaries_removed": len(temps_before - temps_after),
             "repro": f"cd {shlex.quote(os.getcwd())} && cp {job.old_copy} {job.target} && "
                      f"timeout --preserve-status -s {sig_name[3:]} {delay:.3f} {shlex.join(argv)}",
             "problems": []}
        problems = t["problems"]

        sig = signature(job.target, job.kind)
        state = None
        if sig == job.old_sig:
            t["outcome"] = "old"
        elif sig == job.new_sig:
            t["outcome"] = "new"
        elif job.kind == "model" and (state := model_state(job.target)) and state[0] < state[1]:
            t["outcome"] = "checkpoint"
            t["checkpoint_step"] = state[0]
        else:
            t["outcome"] = "missing" if not os.path.exists(job.target) else "corrupt"
            problems.append(f"target is {t['outcome']}")

        # Exit status and stderr.
        interrupted_save = rc == 130 and job.kind == "model"
        if rc == 0:
            if t["outcome"] != "new":
                problems.append("exit 0 but the target is not the new output")
        elif sig_name == "SIGKILL":
            if rc != -signal.SIGKILL:
                problems.append(f"expected 137 (SIGKILL), got {status_name(rc)}")
        elif interrupted_save:
            if not (len(lines) == 1 and "interrupted at step" in lines[0]):
                problems.append("exit 130 without the one line 'interrupted at step K'")
            elif t["outcome"] != "checkpoint" or f"interrupted at step {state[0]} " not in lines[0]:
                problems.append("exit 130 but the model is not saved at the step it names")
        elif rc != -SIGNALS[sig_name]:
            problems.append(f"expected 130/143 (death by {sig_name}) or exit 0, got {status_name(rc)}")
        if len(lines) > 1 or (lines and not lines[0].startswith("gantool: ")):
            problems.append(f"stderr is not at most one line of gantool's: {err.strip()[:300]!r}")
        if sig_name == "SIGKILL" and job.kind == "model" and t["outcome"] == "checkpoint" and state[0] % job.checkpoint_every:
            problems.append(f"the model after SIGKILL is at step {state[0]}, not a checkpoint")
        if sig_name != "SIGKILL" and new_temps:
            problems.append(f"{len(new_temps)} temporaries left after {sig_name}")

        if t["outcome"] == "checkpoint" and resume:
            ok, status, err = self.resume(job)
            t["resume"] = "identical" if ok else "DIFFERENT"
            if not ok:
                problems.append(f"train --resume {job.target} ({status}, {err[:200]!r}) does not give the "
                                "uninterrupted run's model")
        self.trials.append(t)
        return t

    def disk_full_trial(self, job, fraction, mount_dir):
        """Writes job's output onto a tmpfs with fraction × (new size) free over the old output."""
        old_size, new_size = os.path.getsize(job.old_copy), os.path.getsize(job.new_copy)
        target = os.path.join(mount_dir, os.path.basename(job.target))
        free = int(fraction * new_size)
        mode = "tmpfs"
        size_kb = (old_size + free) // 1024 + 16  # the directory and inodes take a little
        mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_kb}k", "tmpfs", mount_dir],
                                 capture_output=True).returncode == 0
        limit = None
        if not mounted:
            mode, limit = "ulimit -f", max(free, 4096)
        try:
            shutil.copyfile(job.old_copy, target)
            argv = job.argv(self.gantool, target)

            def limit_size():
                if limit:
                    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
                    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
            p = subprocess.run(argv, capture_output=True, text=True, preexec_fn=limit_size)
            lines = p.stderr.splitlines()
            left = temporaries(target)
            intact = signature(target, job.kind) == job.old_sig
            setup = f"mount -t tmpfs -o size={size_kb}k tmpfs {mount_dir}" if mounted else f"ulimit -f {limit // 512}"
            t = {"job": job.name, "signal": "disk full", "mode": mode, "free_fraction": round(fraction, 3),
                 "status": status_name(p.returncode), "stderr": p.stderr.strip(),
                 "outcome": "old" if intact else ("missing" if not os.path.exists(target) else "corrupt"),
                 "temporaries_left": len(left), "temporary_bytes": temp_bytes(left),
                 "repro": f"cd {shlex.quote(os.getcwd())} && {setup} && cp {job.old_copy} {target} && "
                          f"{shlex.join(argv)}",
                 "problems": []}
            problems = t["problems"]
            if p.returncode != 1:
                problems.append(f"expected exit 1, got {status_name(p.returncode)}")
            name = os.path.basename(target)
            full = ("no space left", "disk is full", "disk full") if mounted else ("too large", "no space", "full")
            if len(lines) != 1 or not lines[0].startswith("gantool: error: ") or name not in lines[0] \
                    or not any(w in lines[0].lower() for w in full):
                problems.append(f"expected one line 'gantool: error: ...' naming {name} and the full disk, got "
                                f"{p.stderr.strip()[:300]!r}")
            if not intact:
                problems.append(f"the old output is {t['outcome']}")
            if left:
                problems.append(f"{len(left)} temporaries left ({temp_bytes(left)} bytes)")
        finally:
            if mounted:
                subprocess.run(["umount", mount_dir], check=True)
            else:
                for path in [target] + list(temporaries(target)):
                    os.remove(path)
        self.trials.append(t)
        return t

    def next_write_cleans(self, job):
        """One more uninterrupted write of job's output: how many earlier temporaries remain?"""
        before = temporaries(job.target)
        shutil.copyfile(job.old_copy, job.target)
        p = subprocess.run(job.argv(self.gantool), capture_output=True, text=True)
        after = temporaries(job.target)
        mine = [t for t in self.trials if t["job"] == job.name and "earlier_temporaries_removed" in t]
        self.strays[job.name] = {
            "left_by_kills": sum(t["temporaries_left"] for t in mine if t["signal"] == "SIGKILL"),
            "left_bytes": sum(t["temporary_bytes"] for t in mine if t["signal"] == "SIGKILL"),
            "removed_by_later_trials": sum(t["earlier_temporaries_removed"] for t in mine),
            "before_next_write": len(before), "remaining_after_next_write": len(after)}
        if p.returncode != 0:
            sys.exit(f"reliability.py: {shlex.join(job.argv(self.gantool))} failed: {p.stderr.strip()}")
        for path in after:  # cleaned for the next run of this script
            os.remove(path)


def make_jobs(quick):
    # The default networks: their oneDNN kernels are where a signal handler on the training
    # thread's stack corrupted the heap (64-wide ones did not show it). Few steps, so that a
    # run takes a second or two.
    train = ["train", "--data", "small.h5", "--model", "{target}", "--quiet"]
    steps, every = (200, 25) if quick else (500, 50)
    train_job = Job("train", train + ["--steps", str(steps), "--checkpoint-every", str(every), "--seed", "3"],
                    "model.h5", "model", train + ["--steps", "20", "--seed", "9"], checkpoint_every=every)
    if quick:
        return [train_job]
    return [
        Job("prepare-ring", ["prepare", "-q", "--dist", "ring", "-n", "3000000", "--seed", "2", "-o", "{target}"],
            "ring.h5", "h5", ["prepare", "-q", "--dist", "ring", "-n", "1000", "--seed", "9", "-o", "{target}"]),
        Job("prepare-csv", ["prepare", "-q", "--from", "src.csv", "-o", "{target}"],
            "imported.h5", "h5", ["prepare", "-q", "--dist", "ring", "-n", "1000", "--seed", "9", "-o", "{target}"]),
        Job("sample", ["sample", "-q", "--model", "gen.h5", "-n", "1000000", "-o", "{target}"],
            "fake.h5", "h5", ["sample", "-q", "--model", "gen.h5", "-n", "1000", "--seed", "9", "-o", "{target}"]),
        Job("export", ["export", "big.h5", "-o", "{target}"],
            "big.csv", "csv", ["export", "small.h5", "-o", "{target}"]),
        train_job,
    ]


def summarize(bench, jobs, args, seconds):
    groups = {}
    for t in bench.trials:
        g = groups.setdefault((t["job"], t["signal"]), {"trials": 0, "outcomes": {}, "statuses": {},
                                                        "failures": 0, "resumes": 0, "resumes_identical": 0, "finished_first": 0,
                                                        "temporaries_left": 0, "temporary_bytes": 0})
        g["trials"] += 1
        g["outcomes"][t["outcome"]] = g["outcomes"].get(t["outcome"], 0) + 1
        g["statuses"][t["status"]] = g["statuses"].get(t["status"], 0) + 1
        g["failures"] += bool(t["problems"])
        g["finished_first"] += bool(t.get("finished_before_signal"))
        g["temporaries_left"] += t["temporaries_left"]
        g["temporary_bytes"] += t["temporary_bytes"]
        if "resume" in t:
            g["resumes"] += 1
            g["resumes_identical"] += t["resume"] == "identical"
    failures = [t for t in bench.trials if t["problems"]]
    stray_failures = [j for j, s in bench.strays.items() if s["remaining_after_next_write"]]
    fmt_counts = lambda d: ", ".join(f"{k} {v}" for k, v in sorted(d.items())) or "-"
    out = [f"# gantool reliability ({time.strftime('%Y-%m-%d', time.gmtime())}, seed {args.seed}, "
           f"{'quick, ' if args.quick else ''}{seconds:.0f} s)", "",
           "Uninterrupted run times: " + ", ".join(f"{j.name} {j.seconds:.2f} s" for j in jobs), "",
           "| job | signal | trials | finished before the signal | target after (old/new/checkpoint/corrupt) "
           "| exit statuses | resumes identical | temporaries left | failures |",
           "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for (job, sig), g in groups.items():
        resumes = f"{g['resumes_identical']}/{g['resumes']}" if g["resumes"] else "-"
        temps = f"{g['temporaries_left']} ({g['temporary_bytes'] / 1e6:.1f} MB)" if g["temporaries_left"] else "0"
        out.append(f"| {job} | {sig} | {g['trials']} | {g['finished_first']} | {fmt_counts(g['outcomes'])} | {fmt_counts(g['statuses'])} | "
                   f"{resumes} | {temps} | {g['failures']} |")
    if bench.strays:
        out += ["", f"Temporaries ({TEMP_GLOB}) left by SIGKILL trials, removed by later trials' writes of the "
                "same output, and present before / after one more uninterrupted write at the end:", ""]
        for job, s in bench.strays.items():
            out.append(f"- {job}: left {s['left_by_kills']} ({s['left_bytes'] / 1e6:.1f} MB), removed later "
                       f"{s['removed_by_later_trials']}, before the last write {s['before_next_write']}, "
                       f"after it {s['remaining_after_next_write']}")
    total = len(bench.trials)
    out += ["", f"{total} trials, {len(failures)} failed"
            + (f"; temporaries not removed by the next write: {', '.join(stray_failures)}" if stray_failures else "")]
    for t in failures:
        out += [f"- {t['job']} {t['signal']} ({t['status']}): {'; '.join(t['problems'])}",
                f"  reproduce: {t['repro']}"]
    report = {"seed": args.seed, "quick": args.quick, "seconds": round(seconds, 1),
              "reference_seconds": {j.name: round(j.seconds, 3) for j in jobs}, "temp_glob": TEMP_GLOB,
              "groups": [dict(job=j, signal=s, **g) for (j, s), g in groups.items()],
              "strays": bench.strays, "trials": bench.trials, "failures": len(failures) + len(stray_failures)}
    return "\n".join(out) + "\n", report


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("gantool")
    ap.add_argument("work", nargs="?", help="working folder (default: a new one under TMPDIR, removed if all pass)")
    ap.add_argument("--seed", type=int, default=1, help="seed of the random signal times (default 1)")
    ap.add_argument("--kills", type=int, default=60, help="SIGKILL trials, spread over the jobs (default 60)")
    ap.add_argument("--interrupts", type=int, default=60,
                    help="SIGINT and SIGTERM trials (alternating), spread over the jobs (default 60)")
    ap.add_argument("--disk-full", type=int, default=20, help="disk-full trials, spread over the jobs (default 20)")
    ap.add_argument("--quick", action="store_true",
                    help="CI: 20 SIGINT/SIGTERM trials into short training runs, resumes of the first 4 saves")
    args = ap.parse_args()
    if args.quick:
        args.kills, args.interrupts, args.disk_full = 0, 20, 0
    gantool = os.path.abspath(args.gantool)
    work = args.work or tempfile.mkdtemp(prefix="gantool_reliability_")
    os.makedirs(work, exist_ok=True)
    os.chdir(work)
    rng = random.Random(args.seed)
    start = time.monotonic()
    bench = Bench(gantool, args.quick)
    jobs = make_jobs(args.quick)

    # Inputs: training data, a generator to sample from, a dataset to export, a CSV to import.
    bench.run(["prepare", "-q", "--dist", "ring", "-n", "20000", "-o", "small.h5"])
    if not args.quick:
        bench.run(["train", "--data", "small.h5", "--model", "gen.h5", "--steps", "200", "--quiet"])
        bench.run(["prepare", "-q", "--dist", "ring", "-n", "3000000", "--seed", "5", "-o", "big.h5"])
        bench.run(["prepare", "-q", "--dist", "ring", "-n", "1000000", "--seed", "6", "-o", "src.h5"])
        bench.run(["export", "src.h5", "-o", "src.csv"])
    for job in jobs:
        bench.prepare_job(job)
        print(f"{job.name}: {job.seconds:.2f} s uninterrupted", file=sys.stderr)

    # Signal trials: round-robin over the jobs, each at a random time within the job's run time.
    plan = [("SIGKILL", i) for i in range(args.kills)] + \
           [(("SIGINT", "SIGTERM")[i % 2], i) for i in range(args.interrupts)]
    resumes = {}
    for sig_name, i in plan:
        job = jobs[i % len(jobs)]
        delay = rng.uniform(0, job.seconds)
        key = (job.name, sig_name == "SIGKILL")
        resume = not args.quick or resumes.get(key, 0) < 4
        t = bench.signal_trial(job, sig_name, delay, resume)
        if t["finished_before_signal"]:  # the machine got faster than when the job was timed
            job.seconds *= 0.8
        resumes[key] = resumes.get(key, 0) + ("resume" in t)
        print(f"{job.name} {sig_name} at {delay:.2f} s: {t['outcome']}, {t['status']}"
              + (f", resume {t['resume']}" if "resume" in t else "")
              + (f" -- {'; '.join(t['problems'])}" if t["problems"] else ""), file=sys.stderr)
    if args.kills:
        for job in jobs:
            bench.next_write_cleans(job)

    # Disk full.
    mount_dir = os.path.abspath("full")
    os.makedirs(mount_dir, exist_ok=True)
    for i in range(args.disk_full):
        job = jobs[i % len(jobs)]
        t = bench.disk_full_trial(job, rng.uniform(0.05, 0.9), mount_dir)
        print(f"{job.name} disk full ({t['mode']}, {t['free_fraction']:.2f} of the output free): {t['status']}"
              + (f" -- {'; '.join(t['problems'])}" if t["problems"] else ""), file=sys.stderr)

    text, report = summarize(bench, jobs, args, time.monotonic() - start)
    print(text)
    with open("reliability.md", "w") as f:
        f.write(text)
    with open("reliability.json", "w") as f:
        json.dump(report, f, indent=1)
    # The files are kept where a failure needs them to reproduce it; else only the results.
    if report["failures"]:
        print(f"files kept in {work}")
    elif not args.work:
        os.chdir("/")
        shutil.rmtree(work)
    else:
        for name in os.listdir("."):
            if name not in ("reliability.md", "reliability.json"):
                shutil.rmtree(name) if os.path.isdir(name) else os.remove(name)
    sys.exit(1 if report["failures"] else 0)


if __name__ == "__main__":
    main()
