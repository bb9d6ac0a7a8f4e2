#!/usr/bin/env python3
"""Writes a source-like working tree for the benchmarks: JS/TS, Python, Go, C, Java, JSON
(lock files with integrity hashes), YAML, Markdown, a few minified bundles (long lines), and
fake secrets planted at known places. Deterministic for a given --size and --seed.

Usage: gen_tree.py OUT_DIR [--size MB] [--seed N]

Speed: a pool of distinct file bodies is generated once (the slow part, ~1/8 of the target
size), then files are written from the pool, each with its own header line, so a few
hundred MB take a few seconds. The vocabulary deliberately contains the words secret rules
key on (key, token, secret, password, auth, client, access, api) and everyday words with
short keywords inside (task, check, assign, path) — a prefilter that only looks fast on
text without them would be measured wrongly. Densities were calibrated against real code
(npm's JavaScript in /usr/share/nodejs, /usr/include, Python's stdlib): per MB about as many
"key"/"token"/"auth" and lines with any rule keyword, and more "secret"/"password"/"api".
"""
import argparse
import os
import random
import string
import sys

ALNUM = string.ascii_letters + string.digits
HEX = "0123456789abcdef"
B64 = ALNUM + "+/"

WORDS = ("const let var return if else for while function class import export async await "
         "value result config options request response handler error index length push map "
         "filter reduce string number object array user session cache data items count "
         "state props context module default new this null undefined true false try catch "
         "throw finally switch case break continue typeof instanceof delete in of schedule "
         "width height offset buffer stream event listener").split()
# Everyday words that contain short keywords (sk, hec, sign, pat, ...) — real code is full
# of them, so they must be here, at about the density of /usr/include.
EVERYDAY = ("task mask check assign design signal path pattern dispatch metadata address "
            "describe risk disk ask").split()
# Words that secret rules use as keywords, at a realistic density in identifiers.
HOT = ("key apiKey token accessToken secret clientSecret password auth client access "
       "authorization bearer credentials api_key privateKey publicKey keyId").split()
IDENT = WORDS + ("getUser setState fetchData parseConfig renderItem buildQuery "
                 "handleClick onSubmit updateCache loadModule").split()


def word(rng):
    r = rng.random()
    if r < 0.012:
        return rng.choice(HOT)
    if r < 0.05:
        return rng.choice(EVERYDAY)
    return rng.choice(IDENT)


def ident(rng):
    a = word(rng)
    if rng.random() < 0.4:
        b = word(rng)
        a = a + b[:1].upper() + b[1:]
    return a


def rand(rng, alphabet, n):
    return "".join(rng.choice(alphabet) for _ in range(n))


def js_line(rng):
    k = rng.random()
    if k < 0.25:
        return "  const %s = %s(%s, %s);\n" % (ident(rng), ident(rng), ident(rng), ident(rng))
    if k < 0.4:
        return "  if (%s.%s === %s) { return %s; }\n" % (ident(rng), ident(rng), ident(rng), ident(rng))
    if k < 0.5:
        return "  // %s\n" % " ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 12)))
    if k < 0.6:
        return "  %s: process.env.%s,\n" % (ident(rng), ident(rng).upper())
    if k < 0.7:
        return "  this.%s = '%s';\n" % (ident(rng), rng.choice(WORDS))
    if k < 0.75:
        return "  await fetch(`/api/v1/%s/${%s}`, { headers: { %s } });\n" % (
            rng.choice(WORDS), ident(rng), ident(rng))
    return "  %s.%s(%s);\n" % (ident(rng), ident(rng), ", ".join(ident(rng) for _ in range(rng.randint(0, 4))))


def py_line(rng):
    k = rng.random()
    if k < 0.3:
        return "    %s = %s(%s)\n" % (ident(rng).lower(), ident(rng).lower(), ident(rng).lower())
    if k < 0.45:
        return "    # %s\n" % " ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 12)))
    if k < 0.6:
        return "    if %s is None:\n        raise ValueError(\"%s\")\n" % (ident(rng).lower(), " ".join(rng.choice(WORDS) for _ in range(5)))
    if k < 0.7:
        return "    %s = os.environ.get(\"%s\")\n" % (ident(rng).lower(), ident(rng).upper())
    return "    return self.%s(%s)\n" % (ident(rng).lower(), ident(rng).lower())


def c_line(rng):
    k = rng.random()
    if k < 0.3:
        return "  %s = %s(%s, %d);\n" % (ident(rng), ident(rng), ident(rng), rng.randint(0, 4096))
    if k < 0.5:
        return "  /* %s */\n" % " ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 12)))
    if k < 0.6:
        return "#define %s_%s 0x%s\n" % (ident(rng).upper(), rng.choice(WORDS).upper(), rand(rng, HEX, 8))
    return "  if (%s->%s != NULL) return %s;\n" % (ident(rng), ident(rng), ident(rng))


def body(rng, kind, lines):
    if kind == "json-lock":
        out = ['{\n  "name": "app",\n  "lockfileVersion": 3,\n  "packages": {\n']
        for _ in range(lines // 6):
            name = rng.choice(WORDS) + "-" + rng.choice(WORDS)
            out.append('    "node_modules/%s": {\n      "version": "%d.%d.%d",\n'
                       '      "resolved": "https://registry.npmjs.org/%s/-/%s-1.0.0.tgz",\n'
                       '      "integrity": "sha512-%s=="\n    },\n'
                       % (name, rng.randint(0, 9), rng.randint(0, 30), rng.randint(0, 99), name, name,
                          rand(rng, B64, 86)))
        out.append("  }\n}\n")
        return "".join(out)
    if kind == "yaml":
        out = []
        for _ in range(lines):
            out.append("%s%s: %s\n" % ("  " * rng.randint(0, 3), ident(rng), rng.choice(WORDS + ["${%s}" % ident(rng).upper()])))
        return "".join(out)
    if kind == "md":
        return "".join("%s\n" % " ".join(word(rng) for _ in range(rng.randint(5, 18)))
                       for _ in range(lines))
    if kind == "min.js":  # one long line
        parts = []
        for _ in range(lines * 2):
            parts.append("%s.%s=function(%s){return %s(%s)};" % (
                rand(rng, string.ascii_letters, 1), ident(rng), rand(rng, "abcdefe", 1), ident(rng), rand(rng, ALNUM, 2)))
        return "".join(parts) + "\n"
    fn = {"js": js_line, "ts": js_line, "py": py_line, "go": c_line, "c": c_line, "java": c_line}[kind]
    out = []
    for _ in range(lines):
        out.append(fn(rng))
    return "".join(out)


SECRETS = [
    lambda rng: 'const GITHUB_TOKEN = "ghp_%s";\n' % rand(rng, ALNUM, 36),
    lambda rng: 'aws_access_key_id = AKIA%s\n' % rand(rng, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16),
    lambda rng: 'STRIPE_SECRET_KEY = "sk_live_%s"\n' % rand(rng, ALNUM, 24),
    lambda rng: 'slack = "xoxb-%d-%d-%s"\n' % (rng.randint(10**10, 10**11), rng.randint(10**10, 10**11), rand(rng, ALNUM, 24)),
    lambda rng: 'const jwtSecret = "%s";\n' % rand(rng, ALNUM, 32),
    lambda rng: 'GOOGLE_API_KEY=AIza%s\n' % rand(rng, ALNUM + "_-", 35),
]

KINDS = [("js", ".js", 0.28), ("ts", ".ts", 0.12), ("py", ".py", 0.14), ("go", ".go", 0.08),
         ("c", ".c", 0.1), ("java", ".java", 0.06), ("json-lock", ".json", 0.06),
         ("yaml", ".yaml", 0.06), ("md", ".md", 0.07), ("min.js", ".min.js", 0.03)]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--size", type=int, default=400, help="total MB (default 400)")
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    target = a.size * 1_000_000
    pool_target = max(target // 8, 2_000_000)
    pool = []
    made = 0
    while made < pool_target:
        r = rng.random()
        acc = 0.0
        for kind, ext, w in KINDS:
            acc += w
            if r < acc:
                break
        lines = rng.randint(40, 1200)
        b = body(rng, kind, lines)
        pool.append((ext, b))
        made += len(b)
    written = files = planted = 0
    i = 0
    os.makedirs(a.out, exist_ok=True)
    while written < target:
        ext, b = pool[i % len(pool)]
        # 12 files per directory, 20 directories per package: about the shape of real
        # trees (/usr/include has ~11 files per directory). One file per directory, as an
        # earlier layout had, made opening directories half the kernel time of a scan.
        dir_no = i // 12
        d = os.path.join(a.out, "pkg%03d" % (dir_no // 20), "sub%02d" % (dir_no % 20))
        if i % 12 == 0:
            os.makedirs(d, exist_ok=True)
        text = "// file %d\n" % i + b
        if i % 97 == 0:  # a planted fake secret in about 1% of files
            lines = text.split("\n", 3)
            text = "\n".join(lines[:2] + [SECRETS[planted % len(SECRETS)](rng).rstrip("\n")] + lines[2:])
            planted += 1
        with open(os.path.join(d, "f%06d%s" % (i, ext)), "w") as f:
            f.write(text)
        written += len(text)
        files += 1
        i += 1
    sys.stderr.write("wrote %d files, %.1f MB, %d planted secrets\n" % (files, written / 1e6, planted))


if __name__ == "__main__":
    main()
