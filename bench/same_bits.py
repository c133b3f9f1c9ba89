#!/usr/bin/python3
"""Same command, same bits: an old build of gantool against a new one.

Trains with both binaries on one dataset, with the same seed, for three configurations
(the defaults; --loss wgan-gp --r1 1 --pack 2; --loss hinge --d-steps 3 --g-output tanh),
each at --threads 1 and 2, and requires:
  - every parameter (generator, generator_ema, discriminator weights and biases) and every
    optimizer moment bit-equal, compared by name (model_name() maps format 1's and format
    2's names to one), with exactly the same set of names on both sides;
  - the same /history table (but its wall-clock column) and the same attributes of /state,
    /config, /training_data, /optimizer/* and the root (but IGNORED_ATTRS);
  - the same bytes from `sample` (CSV on stdout; the .h5 output compared by /data and
    /latent values), `score` (CSV), and `eval-jsd` with every method, plain and --json;
  - that the new binary reads the old binary's model files: sampling and scoring an old
    model file with the new binary gives the old binary's bytes;
  - that `prepare` writes the same /data.
Each binary runs in a folder of its own (WORKDIR/old, WORKDIR/new) on the same relative
paths, so that the command lines recorded in the files are equal too.

Prints one line per check, "ok ..." or "DIFF ...", then a summary; exits 1 on any
difference. About 2 minutes on 2 cores with the default --steps.

usage: same_bits.py OLD_GANTOOL NEW_GANTOOL [--workdir DIR] [--steps N] [--perturb-seed S]

--perturb-seed trains the new side with another seed: a self-test, which must fail.

An old build to compare against (the release before a change, e.g. main's commit):
    git worktree add /tmp/gantool-old <commit>
    cmake -S /tmp/gantool-old -B /tmp/gantool-old/build -DCMAKE_BUILD_TYPE=Release
    cmake --build /tmp/gantool-old/build -j2 --target gantool bench_gan
    make same-bits OLD=/tmp/gantool-old/build
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

import h5py
import numpy as np

# The three training configurations of issue 14's "same bits" criterion.
CONFIGS = {
    "defaults": [],
    "wgan-gp": ["--loss", "wgan-gp", "--r1", "1", "--pack", "2"],
    "hinge": ["--loss", "hinge", "--d-steps", "3", "--g-output", "tanh"],
}
THREADS = [1, 2]
# Small nets would train faster but the defaults are what the criterion names; the seed is
# arbitrary but fixed.
SEED = 5
# eval-jsd's methods (`gantool eval-jsd --help`).
JSD_METHODS = ["hist", "knn", "classifier", "auto"]

# Attributes that may differ between two builds for the same command: the wall-clock time
# of the run, the version of the binary, and the format version of the model file. Keyed
# by the object's path. No JSON field of eval-jsd differs legitimately (it prints no times
# or versions), so none is listed: its output is compared byte for byte.
IGNORED_ATTRS = {
    "/": {"seconds", "gantool_version", "format_version"},
}
# Columns of /history that hold wall-clock times.
IGNORED_HISTORY_COLUMNS = {"seconds"}


def model_name(path):
    """One name for a dataset of a model file of either format (format 1's names).

    Format 1: /optimizer/generator/layer0/weights_m (and bias_m, weights_v, bias_v).
    Format 2: /optimizer/generator/m/layer0/weights (m: Adam's first moment or SGD's
    momentum; v: Adam's second moment). Parameters are named alike in both formats:
    /generator/layer0/weights. Adjust this function if the new layout names them otherwise.
    """
    m = re.fullmatch(r"/optimizer/([^/]+)/(m|v)/(.+)/([^/]+)", path)
    if m:
        return f"/optimizer/{m[1]}/{m[3]}/{m[4]}_{m[2]}"
    return path


# What format 2 adds to a model file's description of its training data (format 1 did not
# record it): the normalization's formula, and the synthetic distribution's parameters.
NEW_IN_FORMAT_2 = {("/training_data", "formula"), ("/training_data/synthetic", "*")}


def net_text(in_size, hidden, activation, alpha, out, out_activation):
    """Format 2's spec text of an MLP (nn/net_spec.cpp's format_net_spec)."""
    def act(name, a):
        a = np.float32(a)
        return f"{name}:{str(a)}" if name in ("leaky_relu", "elu") or a != 0 else name
    parts = [f"in {in_size}"] + [f"linear {w} {act(activation, alpha)}" for w in hidden]
    return "; ".join(parts + [f"linear {out} {act(out_activation, 0)}"])


def as_format_2(attrs_of, others):
    """Format 1's description of the networks and the true modes, as format 2 stores them:
    /config's MLP fields become the spec texts g_net and d_net, and /training_data's
    distribution, mode_std and float32 modes move to /training_data/synthetic (float64)."""
    config = attrs_of.get("/config") or {}
    if "g_hidden" in config:
        pack = config["pack"]
        config["g_net"] = net_text(config["z_dim"], config["g_hidden"], config["g_activation"], config["g_alpha"],
                                   config["data_dim"], config["g_out_activation"])
        config["d_net"] = net_text(pack * config["data_dim"], config["d_hidden"], config["d_activation"],
                                   config["d_alpha"], 1, "identity")
        for key in ("z_dim", "data_dim", "g_hidden", "d_hidden", "g_activation", "g_alpha", "g_out_activation",
                    "d_activation", "d_alpha"):
            config.pop(key)
    data = attrs_of.get("/training_data") or {}
    if "distribution" in data:
        if attrs_of.get("/training_data/synthetic") is None:
            attrs_of["/training_data/synthetic"] = {}
        synthetic = attrs_of["/training_data/synthetic"]
        synthetic["distribution"] = data.pop("distribution")
        if "mode_std" in data:
            synthetic["mode_std"] = data.pop("mode_std")
    if "/training_data/modes" in others:
        others["/training_data/synthetic/modes"] = np.asarray(others.pop("/training_data/modes"), dtype=np.float64)


def is_parameter(name):
    """True for the parameters and optimizer moments (compared strictly as float32)."""
    return re.match(r"/(generator|generator_ema|discriminator|optimizer)/", name) is not None


class Checks:
    """Collects the results: one printed line each, and a count of differences."""

    def __init__(self):
        self.count = 0
        self.diffs = 0

    def ok(self, what, detail=""):
        self.count += 1
        print(f"ok    {what}" + (f": {detail}" if detail else ""), flush=True)

    def diff(self, what, detail):
        self.count += 1
        self.diffs += 1
        print(f"DIFF  {what}: {detail}", flush=True)

    def check(self, what, problems, detail=""):
        """ok when `problems` (a list of strings) is empty, else DIFF listing a few."""
        if not problems:
            self.ok(what, detail)
        else:
            shown = "; ".join(problems[:5]) + (f"; ... ({len(problems)} in all)" if len(problems) > 5 else "")
            self.diff(what, shown)


class Side:
    """One binary, run in a folder of its own."""

    def __init__(self, name, gantool, workdir):
        self.name = name
        self.gantool = os.path.abspath(gantool)
        self.dir = os.path.join(workdir, name)
        os.makedirs(self.dir, exist_ok=True)

    def path(self, file):
        return os.path.join(self.dir, file)

    def run(self, args, binary=None):
        """Runs gantool ARGS in this side's folder: (exit code, stdout bytes, stderr text)."""
        proc = subprocess.run([binary or self.gantool] + args, cwd=self.dir, capture_output=True)
        return proc.returncode, proc.stdout, proc.stderr.decode(errors="replace")


def short(value, width=60):
    """A value's repr for a message, cut to `width` characters."""
    text = repr(value)
    return text if len(text) <= width else text[:width] + "..."


def first_difference(a, b):
    """Where two byte strings first differ, as 'line L, byte B' with both lines shown."""
    n = min(len(a), len(b))
    i = next((k for k in range(n) if a[k] != b[k]), n)
    line = a[:i].count(b"\n") + 1
    start = a.rfind(b"\n", 0, i) + 1
    old_line = a[start:a.find(b"\n", start) if b"\n" in a[start:] else len(a)]
    new_line = b[start:b.find(b"\n", start) if b"\n" in b[start:] else len(b)]
    return f"sizes {len(a)} and {len(b)}, first difference at byte {i} (line {line}): {old_line[:80]!r} vs {new_line[:80]!r}"


def compare_runs(checks, what, old, new):
    """Two (code, stdout, stderr) results: the same exit code 0 and the same stdout bytes."""
    (code_a, out_a, err_a), (code_b, out_b, err_b) = old, new
    if code_a != 0 or code_b != 0:
        checks.diff(what, f"exit codes {code_a} and {code_b}: {err_a.strip()[-200:]!r} / {err_b.strip()[-200:]!r}")
    elif out_a != out_b:
        checks.diff(what, first_difference(out_a, out_b))
    else:
        checks.ok(what, f"{len(out_a)} bytes identical")


def datasets(file):
    """Every dataset of an HDF5 file by model_name(): {name: numpy array}."""
    out = {}

    def visit(name, obj):
        if isinstance(obj, h5py.Dataset):
            out[model_name("/" + name)] = obj[()]

    file.visititems(visit)
    return out


def attr_value(value):
    """An attribute's value in a form that compares equal across h5py's str and bytes."""
    if isinstance(value, bytes):
        return value.decode()
    if isinstance(value, np.ndarray):
        return [attr_value(v) for v in value.tolist()] if value.dtype.kind in "OSU" else value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    return value


def attrs(file, path):
    """The attributes of the object at `path` but the ignored ones; None when it is missing."""
    if path not in file:
        return None
    ignored = IGNORED_ATTRS.get(path, set())
    return {k: attr_value(v) for k, v in file[path].attrs.items() if k not in ignored}


def array_problem(name, a, b):
    """Why two arrays are not bit-equal, or None."""
    if a.shape != b.shape:
        return f"{name}: shapes {a.shape} and {b.shape}"
    if a.dtype != b.dtype:
        return f"{name}: types {a.dtype} and {b.dtype}"
    if a.tobytes() == b.tobytes():
        return None
    if a.dtype.kind == "f":
        diff = np.abs(a.astype(np.float64) - b.astype(np.float64))
        return f"{name}: {int(np.sum(a != b))} of {a.size} values differ, max abs diff {np.nanmax(diff):.3g}"
    return f"{name}: values differ"


def compare_models(checks, what, old_path, new_path):
    """Parameters and moments by name, /history, and the attributes of the model files."""
    with h5py.File(old_path, "r") as fa, h5py.File(new_path, "r") as fb:
        da, db = datasets(fa), datasets(fb)
        pa = {k for k in da if is_parameter(k)}
        pb = {k for k in db if is_parameter(k)}
        problems = [f"only in old: {k}" for k in sorted(pa - pb)] + [f"only in new: {k}" for k in sorted(pb - pa)]
        for name in sorted(pa & pb):
            a, b = np.asarray(da[name]), np.asarray(db[name])
            if a.dtype != np.float32 or b.dtype != np.float32:
                problems.append(f"{name}: types {a.dtype} and {b.dtype}, expected float32")
            elif not np.array_equal(a, b):
                problems.append(array_problem(name, a, b))
        moments = sum(1 for k in pa & pb if k.startswith("/optimizer/"))
        checks.check(f"{what} parameters", problems,
                     f"{len(pa & pb) - moments} parameters and {moments} optimizer moments bit-equal")

        # The history: every column both have but the wall-clock ones, by the column names
        # (a newer gantool may record more columns, e.g. the penalty).
        problems = []
        ha, hb = fa.get("history"), fb.get("history")
        if ha is None or hb is None:
            problems.append("no /history in " + ("old" if ha is None else "new"))
        else:
            ca, cb = list(attr_value(ha.attrs.get("columns"))), list(attr_value(hb.attrs.get("columns")))
            common = [c for c in ca if c in cb and c not in IGNORED_HISTORY_COLUMNS]
            if "step" not in common:
                problems.append(f"/history columns {ca} and {cb}")
            elif ha.shape[0] != hb.shape[0]:
                problems.append(f"/history rows {ha.shape[0]} and {hb.shape[0]}")
            else:
                problem = array_problem("/history", ha[()][:, [ca.index(c) for c in common]],
                                        hb[()][:, [cb.index(c) for c in common]])
                if problem:
                    problems.append(problem)
        checks.check(f"{what} history", problems, f"{ha.shape[0] if ha is not None else 0} rows equal")

        # The other datasets (the normalization, the modes) and the attributes, format 1's
        # as format 2 keeps them.
        problems = []
        groups = ["/", "/state", "/config", "/training_data", "/training_data/synthetic", "/optimizer/generator",
                  "/optimizer/discriminator"]
        oa = {k: v for k, v in da.items() if not is_parameter(k) and k != "/history"}
        ob = {k: v for k, v in db.items() if not is_parameter(k) and k != "/history"}
        ga = {g: attrs(fa, g) for g in groups}
        gb = {g: attrs(fb, g) for g in groups}
        as_format_2(ga, oa)
        as_format_2(gb, ob)
        for name in sorted(set(oa) | set(ob)):
            if name not in oa or name not in ob:
                problems.append(f"{name} only in {'new' if name not in oa else 'old'}")
            else:
                problem = array_problem(name, np.asarray(oa[name]), np.asarray(ob[name]))
                if problem:
                    problems.append(problem)
        for group in groups:
            aa, ab = ga[group], gb[group]
            if aa is None and ab is None:
                continue
            if aa is None or ab is None:
                problems.append(f"{group} missing in {'old' if aa is None else 'new'}")
                continue
            for key in sorted(set(aa) | set(ab)):
                if key not in aa and ((group, key) in NEW_IN_FORMAT_2 or (group, "*") in NEW_IN_FORMAT_2):
                    continue
                if key not in aa or key not in ab:
                    problems.append(f"{group} attribute {key} only in {'new' if key not in aa else 'old'}")
                elif aa[key] != ab[key]:
                    problems.append(f"{group} attribute {key}: {short(aa[key])} vs {short(ab[key])}")
        state = attrs(fa, "/state") or {}
        checks.check(f"{what} state and metadata", problems,
                     f"/state ({', '.join(sorted(state))}) and {len(groups) - 1} other attribute sets equal")


def compare_h5_values(checks, what, old_path, new_path, names):
    """The named datasets of two HDF5 outputs, bit for bit."""
    problems = []
    with h5py.File(old_path, "r") as fa, h5py.File(new_path, "r") as fb:
        for name in names:
            if name not in fa or name not in fb:
                problems.append(f"{name} missing in {'old' if name not in fa else 'new'}")
                continue
            problem = array_problem(name, fa[name][()], fb[name][()])
            if problem:
                problems.append(problem)
    checks.check(what, problems, f"{', '.join(names)} bit-equal")


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("old_gantool")
    p.add_argument("new_gantool")
    p.add_argument("--workdir", help="folder for the files (default: a temporary one, removed at the end)")
    p.add_argument("--steps", type=int, default=400, help="training steps of each run")
    p.add_argument("--perturb-seed", type=int, help="self-test: train the new side with this seed (must fail)")
    a = p.parse_args()

    workdir = a.workdir or tempfile.mkdtemp(prefix="same_bits_")
    os.makedirs(workdir, exist_ok=True)
    old, new = Side("old", a.old_gantool, workdir), Side("new", a.new_gantool, workdir)
    checks = Checks()
    try:
        run_checks(checks, old, new, a)
    finally:
        if not a.workdir:
            shutil.rmtree(workdir, ignore_errors=True)
    print(f"same_bits: {checks.count} checks, {checks.diffs} differences "
          f"({a.old_gantool} against {a.new_gantool}, {a.steps} steps)")
    return 1 if checks.diffs else 0


def run_checks(checks, old, new, a):
    # The data: made by the old binary, read by both (../ring.h5 from either folder); the
    # new binary's prepare is compared on its own.
    for side in (old, new):
        ring = side.run(["prepare", "-q", "--dist", "ring", "-n", "4000", "--seed", "3", "-o", "ring.h5"])
        held_out = side.run(["prepare", "-q", "--dist", "ring", "-n", "2000", "--seed", "4", "-o", "test.h5"])
        for code, _, err in (ring, held_out):
            if code != 0:
                sys.exit(f"same_bits: {side.name}: prepare failed: {err.strip()}")
    compare_h5_values(checks, "prepare ring.h5", old.path("ring.h5"), new.path("ring.h5"), ["/data"])
    compare_h5_values(checks, "prepare test.h5", old.path("test.h5"), new.path("test.h5"), ["/data"])
    shutil.copy(old.path("ring.h5"), os.path.join(old.dir, "..", "ring.h5"))
    shutil.copy(old.path("test.h5"), os.path.join(old.dir, "..", "test.h5"))

    for config, flags in CONFIGS.items():
        for threads in THREADS:
            run = f"{config}-t{threads}"
            model = run + ".h5"
            failed = False
            for side in (old, new):
                seed = a.perturb_seed if side is new and a.perturb_seed is not None else SEED
                code, _, err = side.run(["train", "-q", "--data", "../ring.h5", "--model", model,
                                         "--steps", str(a.steps), "--log-every", "50", "--seed", str(seed),
                                         "--threads", str(threads)] + flags)
                if code != 0:
                    checks.diff(f"train {run}", f"{side.name} exits {code}: {err.strip()[-300:]}")
                    failed = True
            if failed:
                continue
            compare_models(checks, f"train {run}", old.path(model), new.path(model))
            check_outputs(checks, old, new, config, run, model, threads)

    # Every eval-jsd method, plain and --json, at both thread counts, on one sample file.
    fake = "defaults-t1.sample.h5"
    for method in JSD_METHODS:
        for threads in THREADS:
            for json in ([], ["--json"]):
                args = ["eval-jsd", "-q", "--method", method, "--threads", str(threads), "../test.h5", fake] + json
                compare_runs(checks, f"eval-jsd --method {method} --threads {threads} {' '.join(json)}".rstrip(),
                             old.run(args), new.run(args))


def check_outputs(checks, old, new, config, run, model, threads):
    """sample and score of one model file by both binaries; then the new binary on the old file."""
    t = ["--threads", str(threads)]
    sample_csv = ["sample", "-q", "--model", model, "-n", "2000", "--seed", "11", "-o", "-"] + t
    compare_runs(checks, f"sample {run} CSV", old.run(sample_csv), new.run(sample_csv))
    last = sample_csv + ["--generator", "last"]
    compare_runs(checks, f"sample {run} --generator last CSV", old.run(last), new.run(last))
    sample_h5 = ["sample", "-q", "--model", model, "-n", "2000", "--seed", "11", "--save-latent",
                 "-o", f"{run}.sample.h5"] + t
    results = [side.run(sample_h5) for side in (old, new)]
    if any(code != 0 for code, _, _ in results):
        checks.diff(f"sample {run} .h5", f"exit codes {results[0][0]} and {results[1][0]}")
    else:
        compare_h5_values(checks, f"sample {run} .h5", old.path(f"{run}.sample.h5"), new.path(f"{run}.sample.h5"),
                          ["/data", "/latent"])
    # score refuses a packed discriminator (--pack 2), and --logit a critic (not a probability).
    score = ["score", "-q", "--model", model, "../test.h5", "-o", "-"] + t
    can_score = "--pack" not in CONFIGS[config]
    if can_score:
        compare_runs(checks, f"score {run} CSV", old.run(score), new.run(score))
    if can_score and "--loss" not in CONFIGS[config]:
        compare_runs(checks, f"score {run} --logit CSV", old.run(score + ["--logit"]), new.run(score + ["--logit"]))

    # The new binary reads the old binary's model file (format 1): it gives the same bytes.
    compare_runs(checks, f"sample {run} CSV, new binary on the old model file",
                 old.run(sample_csv), old.run(sample_csv, binary=new.gantool))
    if can_score:
        compare_runs(checks, f"score {run} CSV, new binary on the old model file",
                     old.run(score), old.run(score, binary=new.gantool))


if __name__ == "__main__":
    sys.exit(main())
