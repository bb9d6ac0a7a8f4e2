#!/usr/bin/env python3
"""Scores keyhole against the labeled precision corpus (see gen_corpus.py).

    score.py CORPUS [--keyhole BIN | --findings-json FILE] [--floor 0.95]
             [--floor-categories jwt,provider,...] [--json]

CORPUS is a directory written by gen_corpus.py (CORPUS/tree and CORPUS/labels.json).
Runs `keyhole scan CORPUS/tree --format json --threads 2` (binary from --keyhole or $KEYHOLE)
unless --findings-json gives a report to score instead.

Matching: a finding matches the label at the same (path, start_line). Per label category:
  TP  secret labels with at least one finding on their line
  FN  secret labels with none
  FP  distinct (path, line) locations with findings that are not on a secret label:
      on a look-alike label (attributed to the label's category), on an info-expected label
      with a severity above info (label's category), or unlabeled (the finding's category).
Info-expected labels (publishable-by-design keys) are scored separately: reported at info
or not at all is fine; above info is a false alarm.

Exit status: 0 if precision and recall of every floored category and of the floored total
are >= --floor; 1 if not; 2 if keyhole or the inputs failed. Secrets are never printed:
misses and false alarms are listed by path, line, rule id and the label's note.
"""

import argparse
import json
import os
import subprocess
import sys

ALL_CATEGORIES = ["jwt", "signing-key", "private-key", "provider", "database", "frontend", "generic",
                  "encoded", "credential-file", "http-bearer"]
# Categories the floor applies to by default: all of them (issue 9 added encoded,
# credential-file and http-bearer).
DEFAULT_FLOOR_CATEGORIES = list(ALL_CATEGORIES)


class InputError(Exception):
    pass


def run_keyhole(binary, tree, threads, timeout):
    if not binary:
        raise InputError("no keyhole binary: pass --keyhole or set KEYHOLE")
    argv = [binary, "scan", tree, "--format", "json", "--threads", str(threads)]
    try:
        p = subprocess.run(argv, capture_output=True, text=True, timeout=timeout)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise InputError(f"running {' '.join(argv)}: {e}")
    if p.returncode not in (0, 1):
        raise InputError(f"{' '.join(argv)} exited {p.returncode}:\n{p.stderr.strip()[:2000]}")
    try:
        return json.loads(p.stdout)
    except json.JSONDecodeError as e:
        raise InputError(f"keyhole output is not JSON ({e}); stderr:\n{p.stderr.strip()[:2000]}")


def normalize_path(path, tree):
    """Finding paths should be relative to the scan root; accept absolute or root-prefixed too."""
    path = path.replace("\\", "/")
    for prefix in (os.path.abspath(tree).replace("\\", "/") + "/", tree.replace("\\", "/").rstrip("/") + "/"):
        if path.startswith(prefix):
            path = path[len(prefix):]
    while path.startswith("./"):
        path = path[2:]
    return path


def ratio(num, den):
    return num / den if den else 1.0


def score(labels, report, tree, floor_categories):
    by_loc = {}
    for lab in labels:
        key = (lab["path"], int(lab["line"]))
        if key in by_loc:
            raise InputError(f"two labels on {key[0]}:{key[1]}")
        by_loc[key] = lab

    findings = report.get("findings")
    if not isinstance(findings, list):
        raise InputError("report has no findings[] list")

    hits = {}      # location -> list of findings
    for f in findings:
        try:
            key = (normalize_path(f["path"], tree), int(f["location"]["start_line"]))
        except (KeyError, TypeError, ValueError):
            raise InputError(f"finding without path/location.start_line: rule {f.get('rule_id')}")
        hits.setdefault(key, []).append(f)

    cats = {}

    def row(cat):
        return cats.setdefault(cat, {"tp": 0, "fn": 0, "fp": 0, "lookalikes": 0, "lookalikes_reported": 0})

    for cat in ALL_CATEGORIES:
        row(cat)
    misses, false_alarms = [], []
    info = {"planted": 0, "info": 0, "not_reported": 0, "above_info": 0}

    for key, lab in sorted(by_loc.items()):
        fs = hits.get(key, [])
        r = row(lab["category"])
        rules = sorted({f.get("rule_id", "?") for f in fs})
        if lab["kind"] == "secret":
            if fs:
                r["tp"] += 1
            else:
                r["fn"] += 1
                misses.append({"path": key[0], "line": key[1], "category": lab["category"], "note": lab.get("note", "")})
        elif lab["kind"] == "lookalike":
            r["lookalikes"] += 1
            if fs:
                r["lookalikes_reported"] += 1
                r["fp"] += 1
                false_alarms.append({"path": key[0], "line": key[1], "category": lab["category"], "rules": rules,
                                     "why": "look-alike: " + lab.get("note", "")})
        elif lab["kind"] == "info-expected":
            info["planted"] += 1
            loud = [f for f in fs if f.get("severity", "").lower() != "info"]
            if not fs:
                info["not_reported"] += 1
            elif loud:
                info["above_info"] += 1
                r["fp"] += 1
                false_alarms.append({"path": key[0], "line": key[1], "category": lab["category"],
                                     "rules": sorted({f.get("rule_id", "?") for f in loud}),
                                     "why": "publishable key reported above info: " + lab.get("note", "")})
            else:
                info["info"] += 1
        else:
            raise InputError(f"unknown label kind {lab['kind']!r} at {key[0]}:{key[1]}")

    for key, fs in sorted(hits.items()):
        if key in by_loc:
            continue
        cat = sorted(f.get("category") or "uncategorized" for f in fs)[0]
        row(cat)["fp"] += 1
        false_alarms.append({"path": key[0], "line": key[1], "category": cat,
                             "rules": sorted({f.get("rule_id", "?") for f in fs}), "why": "unlabeled"})

    def finish(r):
        r["precision"] = ratio(r["tp"], r["tp"] + r["fp"])
        r["recall"] = ratio(r["tp"], r["tp"] + r["fn"])
        p, q = r["precision"], r["recall"]
        r["f1"] = 2 * p * q / (p + q) if p + q else 0.0
        return r

    def total(names):
        t = {"tp": 0, "fn": 0, "fp": 0, "lookalikes": 0, "lookalikes_reported": 0}
        for n in names:
            for k in t:
                t[k] += cats[n][k]
        return finish(t)

    for r in cats.values():
        finish(r)
    # The floored total excludes only the known, not-floored categories (so noise from an
    # unknown finding category still counts against it).
    excused = [c for c in ALL_CATEGORIES if c not in floor_categories]
    floored_names = [c for c in cats if c not in excused]
    return {
        "categories": cats,
        "total_floored": total(floored_names),
        "total_all": total(list(cats)),
        "info_expected": info,
        "misses": misses,
        "false_alarms": false_alarms,
        "floor_categories": list(floor_categories),
        "findings": len(findings),
        "labels": len(labels),
    }


def check_floor(result, floor):
    failures = []
    for cat in result["floor_categories"]:
        r = result["categories"].get(cat)
        if r is None or r["tp"] + r["fn"] == 0:
            failures.append(f"{cat}: no labeled secrets in the corpus")
            continue
        for m in ("precision", "recall"):
            if r[m] < floor:
                failures.append(f"{cat}: {m} {r[m]:.3f} < {floor:.2f}")
    for m in ("precision", "recall"):
        if result["total_floored"][m] < floor:
            failures.append(f"total (floored): {m} {result['total_floored'][m]:.3f} < {floor:.2f}")
    return failures


def print_table(result, out):
    w = out.write
    w(f"{'category':18} {'TP':>5} {'FN':>5} {'FP':>5} {'precision':>10} {'recall':>8} {'F1':>6}  look-alikes reported\n")
    floored = set(result["floor_categories"])

    def line(name, r, mark=""):
        w(f"{name + mark:18} {r['tp']:5} {r['fn']:5} {r['fp']:5} {r['precision']:10.3f} {r['recall']:8.3f} {r['f1']:6.3f}"
          f"  {r['lookalikes_reported']}/{r['lookalikes']}\n")

    for cat in sorted(result["categories"], key=lambda c: (ALL_CATEGORIES.index(c) if c in ALL_CATEGORIES else 99, c)):
        line(cat, result["categories"][cat], "" if cat in floored else " *")
    w("-" * 78 + "\n")
    line("total (floored)", result["total_floored"])
    line("total (all)", result["total_all"])
    i = result["info_expected"]
    w(f"info-expected: {i['planted']} planted, {i['info']} reported at info, {i['not_reported']} not reported, "
      f"{i['above_info']} reported above info (counted as FP)\n")
    w("* not floored (see --floor-categories)\n")
    w(f"{result['findings']} findings, {result['labels']} labels\n")
    if result["misses"]:
        w(f"\nMISSES ({len(result['misses'])}):\n")
        for m in result["misses"]:
            w(f"  {m['category']:16} {m['path']}:{m['line']}  ({m['note']})\n")
    if result["false_alarms"]:
        w(f"\nFALSE ALARMS ({len(result['false_alarms'])}):\n")
        for f in result["false_alarms"]:
            w(f"  {f['category']:16} {f['path']}:{f['line']}  {','.join(f['rules'])}  ({f['why']})\n")


def inside_git_worktree(path):
    try:
        p = subprocess.run(["git", "-C", path, "rev-parse", "--is-inside-work-tree"], capture_output=True, text=True)
        return p.returncode == 0 and p.stdout.strip() == "true"
    except OSError:
        return False


def main():
    ap = argparse.ArgumentParser(description="Precision/recall of keyhole on the labeled corpus.")
    ap.add_argument("corpus", help="directory written by gen_corpus.py --out")
    ap.add_argument("--keyhole", default=os.environ.get("KEYHOLE"), help="keyhole binary (default: $KEYHOLE)")
    ap.add_argument("--findings-json", help="score this keyhole JSON report instead of running keyhole")
    ap.add_argument("--floor", type=float, default=0.95)
    ap.add_argument("--floor-categories", default=",".join(DEFAULT_FLOOR_CATEGORIES),
                    help="comma-separated categories the floor applies to (default: %(default)s)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--timeout", type=float, default=300)
    ap.add_argument("--json", action="store_true", help="print the result as JSON instead of a table")
    args = ap.parse_args()

    floor_categories = [c for c in args.floor_categories.split(",") if c]
    tree = os.path.join(args.corpus, "tree")
    try:
        with open(os.path.join(args.corpus, "labels.json")) as fh:
            labels = json.load(fh)
        if args.findings_json:
            with open(args.findings_json) as fh:
                report = json.load(fh)
        else:
            if inside_git_worktree(tree):
                print(f"warning: {tree} is inside a git work tree; files it ignores are not scanned", file=sys.stderr)
            report = run_keyhole(args.keyhole, tree, args.threads, args.timeout)
        result = score(labels, report, tree, floor_categories)
    except (OSError, json.JSONDecodeError, InputError) as e:
        print(f"score.py: {e}", file=sys.stderr)
        return 2

    failures = check_floor(result, args.floor)
    result["floor"] = args.floor
    result["failures"] = failures
    if args.json:
        json.dump(result, sys.stdout, indent=1, sort_keys=True)
        sys.stdout.write("\n")
    else:
        print_table(result, sys.stdout)
        if failures:
            print(f"\nBELOW FLOOR {args.floor:.2f}:")
            for f in failures:
                print("  " + f)
        else:
            print(f"\nall floored categories >= {args.floor:.2f}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
