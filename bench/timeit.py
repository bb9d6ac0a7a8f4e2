#!/usr/bin/env python3
"""Runs a command several times and prints "median_ms min_ms" of its wall time.

Usage: timeit.py [--runs N] [--warmup N] [--fresh-env VAR] [--cwd DIR] -- CMD...
  --fresh-env VAR  every run gets VAR set to a new empty temporary directory (a cold cache).
Exit codes 0 and 1 of CMD are fine (keyhole: clean / findings); anything else is an error.
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--fresh-env")
    ap.add_argument("--cwd")
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    cmd = a.cmd[1:] if a.cmd and a.cmd[0] == "--" else a.cmd
    times = []
    for i in range(a.warmup + a.runs):
        env = dict(os.environ)
        tmp = None
        if a.fresh_env:
            tmp = tempfile.TemporaryDirectory(prefix="keyhole-cold-")
            env[a.fresh_env] = tmp.name
        t0 = time.perf_counter()
        rc = subprocess.run(cmd, env=env, cwd=a.cwd, stdout=subprocess.DEVNULL).returncode
        dt = time.perf_counter() - t0
        if tmp:
            tmp.cleanup()
        if rc not in (0, 1):
            sys.exit("command failed (exit %d): %s" % (rc, " ".join(cmd)))
        if i >= a.warmup:
            times.append(dt * 1000)
    print("%.1f %.1f" % (statistics.median(times), min(times)))


if __name__ == "__main__":
    main()
