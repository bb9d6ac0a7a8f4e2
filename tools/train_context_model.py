#!/usr/bin/python3
"""Trains keyhole's context model (models/context.model) from labelled code.

keyhole extracts the candidates and their features itself (KEYHOLE_CONTEXT_DUMP, see
src/analyze/analyze.cpp), so training and inference see the same numbers. The labels
come from a CredData-style meta directory (one CSV per repository: FilePath, LineStart,
LineEnd, GroundTruth T/F/X, ValueStart, ValueEnd).

  /usr/bin/python3 tools/train_context_model.py --keyhole build/release/keyhole \
      --data "$KEYHOLE_EVAL_DIR/creddata-dev" [--out models/context.model] [--folds 5]

It prints out-of-fold figures from a K-fold split *by repository* (fit on some
repositories, score the others: the held-out repositories are other projects), then fits
the final model on everything and writes it. Needs python3-xgboost and python3-numpy
(Debian); training is a script, not a build step.
"""
import argparse
import collections
import csv
import glob
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import xgboost as xgb

# Candidates on lines nobody labelled: mostly not credentials (the dataset labelled what
# its candidate generators found), sometimes real. They teach the model what ordinary code
# looks like, with less weight than a reviewed label.
UNLABELLED_WEIGHT = 0.3
PARAMS = {
    "objective": "binary:logistic",
    "eval_metric": "logloss",
    "max_depth": 6,
    "eta": 0.08,
    "subsample": 0.8,
    "colsample_bytree": 0.8,
    "min_child_weight": 2,
    "lambda": 2.0,
    "tree_method": "hist",
    "nthread": 2,
    "seed": 7,
}
ROUNDS = 350


def feature_names(source_dir):
    text = open(os.path.join(source_dir, "src/analyze/context.cpp")).read()
    start = text.index("static const std::vector<std::string> kNames = {")
    end = text.index("};", start)
    import re
    return re.findall(r'"([a-z0-9_]+)"', text[start:end])


def load_labels(data_dir):
    labels = collections.defaultdict(list)  # (path, line) -> [(gt, vs, ve)]
    for f in glob.glob(os.path.join(data_dir, "meta", "*.csv")):
        for r in csv.DictReader(open(f, newline="")):
            path = r["FilePath"].split("data/", 1)[-1]
            try:
                a, b = int(r["LineStart"]), int(r["LineEnd"])
            except ValueError:
                continue

            def num(x):
                try:
                    return int(float(x))
                except ValueError:
                    return -1
            for line in range(a, b + 1):
                labels[(path, line)].append((r["GroundTruth"], num(r["ValueStart"]), num(r["ValueEnd"])))
    return labels


def dump_candidates(keyhole, tree, source):
    fd, dump = tempfile.mkstemp(suffix=".jsonl")
    os.close(fd)
    os.unlink(dump)
    env = dict(os.environ, KEYHOLE_CONTEXT_DUMP=dump)
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([keyhole, "scan", tree, "--format", "json",
                        "-o", os.path.join(tmp, "out.json"), "-q"], env=env, check=False)
    rows = [json.loads(l) for l in open(dump)] if os.path.exists(dump) else []
    if os.path.exists(dump):
        os.unlink(dump)
    for r in rows:
        r["source"] = source
    return rows


def load_corpus_labels(corpus):
    """gen_corpus.py labels: secret -> T, lookalike -> F, info-expected left out (X)."""
    labels = collections.defaultdict(list)
    for item in json.load(open(os.path.join(corpus, "labels.json"))):
        gt = {"secret": "T", "lookalike": "F"}.get(item["kind"], "X")
        labels[(item["path"], int(item["line"]))].append((gt, -1, -1))
    return labels


def label_of(row, labels):
    marks = labels.get((row["path"], row["line"]))
    if not marks:
        return None
    t = [m for m in marks if m[0] == "T"]
    if t:
        for _, vs, ve in t:
            if vs < 0 or ve < 0:
                return 1
            if row["vb"] < ve and row["ve"] > vs:
                return 1
        return 0  # another value on a credential's line
    if any(m[0] == "F" for m in marks):
        return 0
    return -1  # unsure (X): left out


def build(rows, labels_by_source):
    X, y, w, groups = [], [], [], []
    for r in rows:
        labels = labels_by_source.get(r["source"])
        lab = label_of(r, labels) if labels is not None else None
        if lab == -1:
            continue
        X.append(r["x"])
        y.append(1 if lab == 1 else 0)
        w.append(1.0 if lab is not None else UNLABELLED_WEIGHT)
        parts = r["path"].split("/")
        groups.append(r["source"] + ":" + "/".join(parts[:2 if r["source"] != "creddata" else 1]))
    return np.array(X, dtype=np.float32), np.array(y), np.array(w), np.array(groups)


def fit(X, y, w, names):
    d = xgb.DMatrix(X, label=y, weight=w, feature_names=names)
    return xgb.train(PARAMS, d, ROUNDS)


def best_threshold(p, y, w):
    best = (0, 0.5)
    for t in np.arange(0.2, 0.9, 0.01):
        pred = p >= t
        tp = float(((pred == 1) & (y == 1)).sum())
        fp = float(((pred == 1) & (y == 0) & (w == 1.0)).sum())
        fn = float(((pred == 0) & (y == 1)).sum())
        f1 = 2 * tp / max(2 * tp + fp + fn, 1)
        if f1 > best[0]:
            best = (f1, float(t))
    return best


def write_model(booster, names, threshold, path):
    trees = booster.get_dump(dump_format="json")
    index = {n: i for i, n in enumerate(names)}
    with open(path, "w") as out:
        out.write("keyhole-context-model 1\n")
        out.write("threshold %.4f\nbase_margin 0.0\nfeatures %d\n" % (threshold, len(names)))
        for n in names:
            out.write("f %s\n" % n)
        out.write("trees %d\n" % len(trees))
        for t in trees:
            nodes = []

            def walk(node):
                if "leaf" in node:
                    nodes.append("l %d %.6g" % (node["nodeid"], node["leaf"]))
                    return
                nodes.append("n %d %d %.9g %d %d" % (node["nodeid"], index[node["split"]],
                                                     node["split_condition"], node["yes"], node["no"]))
                for c in node["children"]:
                    walk(c)
            walk(json.loads(t))
            out.write("t %d\n" % len(nodes))
            out.write("\n".join(nodes) + "\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--keyhole", required=True)
    ap.add_argument("--data", required=True, help="directory with data/ and meta/")
    ap.add_argument("--out", default=None, help="model file to write (default: models/context.model)")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--corpus", action="append", default=[],
                    help="a gen_corpus.py output directory (tree/ and labels.json); repeatable")
    ap.add_argument("--negatives", action="append", default=[],
                    help="a tree of real code with no credentials to speak of (e.g. a Debian "
                         "package's sources): its candidates are weak negatives; repeatable")
    args = ap.parse_args()
    source_dir = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    out = args.out or os.path.join(source_dir, "models", "context.model")
    names = feature_names(source_dir)

    labels = {"creddata": load_labels(args.data)}
    rows = dump_candidates(args.keyhole, os.path.join(args.data, "data"), "creddata")
    for i, c in enumerate(args.corpus):
        labels["corpus%d" % i] = load_corpus_labels(c)
        rows += dump_candidates(args.keyhole, os.path.join(c, "tree"), "corpus%d" % i)
    for i, n in enumerate(args.negatives):
        rows += dump_candidates(args.keyhole, n, "neg%d" % i)
    if not rows:
        sys.exit("no candidates dumped: is %s built from this tree?" % args.keyhole)
    if len(rows[0]["x"]) != len(names):
        sys.exit("keyhole dumps %d features, the source names %d" % (len(rows[0]["x"]), len(names)))
    X, y, w, groups = build(rows, labels)
    creddata = np.array([g.startswith("creddata:") for g in groups])
    print("candidates: %d (%d positive, %d reviewed negative, %d unlabelled)" % (
        len(y), int(y.sum()), int(((y == 0) & (w == 1.0)).sum()), int((w != 1.0).sum())))

    # Out-of-fold predictions, folds by repository.
    repos = sorted(set(groups))
    rng = np.random.RandomState(11)
    rng.shuffle(repos)
    fold_of = {r: i % args.folds for i, r in enumerate(repos)}
    folds = np.array([fold_of[g] for g in groups])
    oof = np.zeros(len(y))
    for k in range(args.folds):
        train, test = folds != k, folds == k
        booster = fit(X[train], y[train], w[train], names)
        oof[test] = booster.predict(xgb.DMatrix(X[test], feature_names=names))
    f1, threshold = best_threshold(oof[creddata], y[creddata], w[creddata])
    def report(mask, what):
        pred = oof[mask] >= threshold
        yy, reviewed = y[mask], w[mask] == 1.0
        tp = int((pred & (yy == 1)).sum())
        fp = int((pred & (yy == 0) & reviewed).sum())
        fn = int((~pred & (yy == 1)).sum())
        un = int((pred & ~reviewed).sum())
        print("out-of-fold by repository (%d folds), %s: threshold %.2f, candidate-level "
              "P %.3f R %.3f (tp %d fp %d fn %d; %d unlabelled candidates reported)" % (
                  args.folds, what, threshold, tp / max(tp + fp, 1), tp / max(tp + fn, 1), tp, fp, fn, un))
    report(creddata, "CredData")
    for src in sorted({g.split(":")[0] for g in groups} - {"creddata"}):
        report(np.array([g.startswith(src + ":") for g in groups]), src)
    for k in range(args.folds):
        m = (folds == k) & creddata
        p, yy, ww = oof[m] >= threshold, y[m], w[m]
        tpk = int((p & (yy == 1)).sum()); fpk = int((p & (yy == 0) & (ww == 1.0)).sum())
        fnk = int((~p & (yy == 1)).sum())
        print("  fold %d: P %.3f R %.3f" % (k, tpk / max(tpk + fpk, 1), tpk / max(tpk + fnk, 1)))

    booster = fit(X, y, w, names)
    write_model(booster, names, threshold, out)
    gain = booster.get_score(importance_type="gain")
    top = sorted(gain.items(), key=lambda kv: -kv[1])[:15]
    print("wrote %s (%d trees); top features by gain: %s" % (
        out, ROUNDS, ", ".join("%s %.0f" % kv for kv in top)))


if __name__ == "__main__":
    main()
