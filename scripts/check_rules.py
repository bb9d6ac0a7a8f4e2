#!/usr/bin/env python3
"""Authoring check for rule files: every example must match, every negative must not.

Usage: scripts/check_rules.py [rules/*.toml ...]   (default: every file under rules/)

Uses Python's `re` as a stand-in for RE2 (identical for the constructs allowed here; the
script refuses lookarounds and backreferences, which RE2 lacks). Mirrors the engine's
cheap checks so negatives may rely on them: the `entropy` floor and an obvious-placeholder
test. The authoritative check is `keyhole rules check`, which runs the real engine.
"""
import glob
import math
import os
import re
import sys
import tomllib

SEVERITIES = {"critical", "high", "medium", "low", "info"}
CATEGORIES = {"jwt", "signing-key", "frontend", "provider", "generic", "database"}
ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
RE2_UNSUPPORTED = re.compile(r"\(\?[=!]|\(\?<[=!]|\\[1-9]")


def entropy(s):
    if not s:
        return 0.0
    counts = {}
    for ch in s:
        counts[ch] = counts.get(ch, 0) + 1
    return -sum(c / len(s) * math.log2(c / len(s)) for c in counts.values())


# Published documentation keys the engine ignores (subset of src/analyze/placeholder.cpp).
DOC_KEYS = ("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            "sk_test_4eC39HqLyjWDarjtT1zdp7dc", "pk_test_TYooMQauvdEDq54NiTphI7jx",
            "xoxb-not-a-real-token-this-will-not-work")


def looks_placeholder(s):
    if any(k in s for k in DOC_KEYS):
        return True
    low = s.lower()
    if re.search(r"x{6,}|\*{6,}|([#0._-])\1{9,}", low):
        return True
    run = max((len(m.group(0)) for m in re.finditer(r"(.)\1*", s)), default=0)
    if run >= 10 and 2 * run >= len(s):
        return True
    return any(m in low for m in ("example", "placeholder", "changeme", "your_", "your-", "redacted"))


def secret_of(m, group):
    if group and group <= (m.re.groups or 0):
        return m.group(group) or ""
    if not group and m.re.groups:
        return next((g for g in m.groups() if g), m.group(0))
    return m.group(0)


def check_rule(rule, where, seen):
    errs = []
    rid = rule.get("id", "")
    for field in ("id", "description", "severity", "regex", "keywords", "help", "examples",
                  "negative_examples"):
        if not rule.get(field):
            errs.append(f"missing or empty `{field}`")
    if rid and not ID_RE.match(rid):
        errs.append("id is not kebab-case")
    if rid in seen:
        errs.append(f"duplicate id (also in {seen[rid]})")
    seen[rid] = where
    if rule.get("severity") not in SEVERITIES:
        errs.append(f"bad severity {rule.get('severity')!r}")
    if rule.get("category", "generic") not in CATEGORIES:
        errs.append(f"bad category {rule.get('category')!r}")
    kws = rule.get("keywords", [])
    if any(k != k.lower() or not k for k in kws):
        errs.append("keywords must be non-empty lower-case literals")
    src = rule.get("regex", "")
    if RE2_UNSUPPORTED.search(src):
        errs.append("regex uses a lookaround or backreference (not RE2)")
    for m in re.finditer(r"\{(\d+)(?:,(\d*))?\}", src):
        if max(int(m.group(1)), int(m.group(2) or 0)) > 1000:
            errs.append(f"repetition {m.group(0)} exceeds RE2's limit of 1000")
    try:
        rx = re.compile(src, re.ASCII)
    except re.error as e:
        return errs + [f"regex does not compile: {e}"]
    group = rule.get("secretGroup", 0)
    if group > rx.groups:
        errs.append(f"secretGroup {group} > number of groups {rx.groups}")
    floor = rule.get("entropy", 0.0)

    def finding(text):
        for m in rx.finditer(text):
            s = secret_of(m, group)
            if kws and not any(k in m.group(0).lower() for k in kws):
                continue
            if floor and entropy(s) < floor:
                continue
            if looks_placeholder(s):
                continue
            return m, s
        return None

    for i, ex in enumerate(rule.get("examples", [])):
        if not finding(ex):
            m = rx.search(ex)
            why = "no regex match" if not m else (
                "no keyword in the match" if kws and not any(k in m.group(0).lower() for k in kws)
                else f"secret filtered (entropy {entropy(secret_of(m, group)):.2f})")
            errs.append(f"example {i} does not produce a finding: {why}: {ex[:90]!r}")
    for i, ex in enumerate(rule.get("negative_examples", [])):
        hit = finding(ex)
        if hit:
            errs.append(f"negative example {i} matches ({hit[1][:40]!r}): {ex[:90]!r}")
    return errs


def main(argv):
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    files = argv[1:] or sorted(glob.glob(os.path.join(root, "rules", "*.toml")))
    seen, bad, total = {}, 0, 0
    for path in files:
        with open(path, "rb") as f:
            try:
                doc = tomllib.load(f)
            except tomllib.TOMLDecodeError as e:
                print(f"{path}: TOML error: {e}")
                bad += 1
                continue
        for rule in doc.get("rules", []):
            total += 1
            for e in check_rule(rule, os.path.basename(path), seen):
                bad += 1
                print(f"{os.path.basename(path)}: {rule.get('id', '?')}: {e}")
    print(f"{total} rules in {len(files)} files, {bad} problem(s)")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
