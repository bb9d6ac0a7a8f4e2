#!/usr/bin/env python3
"""Prints the letter-bigram table of src/analyze/wordlike.cpp.

The table marks the letter pairs that make up the most frequent 97% of all pairs inside the
words of a code-and-prose corpus (identifiers split at camelCase and underscores, comments,
docstrings). The table in the source was made from CPython 3.11's standard library
(`python3 scripts/gen_bigram_table.py /usr/lib/python3.11`); any large body of code and
English prose gives nearly the same set.
"""
import collections
import os
import re
import sys

COVER = 0.97


def main():
    root = sys.argv[1]
    count = collections.Counter()
    for dirpath, _, files in os.walk(root):
        if "test" in dirpath or "site-packages" in dirpath:
            continue
        for name in sorted(files):
            if not name.endswith(".py"):
                continue
            try:
                text = open(os.path.join(dirpath, name), encoding="utf-8").read()
            except (OSError, UnicodeDecodeError):
                continue
            for token in re.findall(r"[A-Za-z]+", text):
                for word in re.findall(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])", token):
                    word = word.lower()
                    for a, b in zip(word, word[1:]):
                        count[a + b] += 1
    total = sum(count.values())
    covered, masks = 0, [0] * 26
    for pair, n in count.most_common():
        if covered >= COVER * total:
            break
        covered += n
        masks[ord(pair[0]) - 97] |= 1 << (ord(pair[1]) - 97)
    print(f"// {sum(bin(m).count('1') for m in masks)} of 676 pairs cover {COVER:.0%} of the corpus")
    for i in range(0, 26, 4):
        print("    " + " ".join(f"0x{m:07x}," for m in masks[i:i + 4]))


if __name__ == "__main__":
    main()
