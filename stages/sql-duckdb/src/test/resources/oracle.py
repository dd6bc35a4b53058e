"""Independent checks of the sql stage's output, with Python's csv and json modules only.

usage:
  oracle.py group-count INPUT.csv KEY OUTPUT.csv   # OUTPUT has KEY,n: the rows per KEY in INPUT
  oracle.py rows INPUT.csv                         # prints the data rows of INPUT
  oracle.py jsonl-sum OUTPUT.jsonl COLUMN          # prints the line count and the sum of COLUMN
Exits 1 with a message on a mismatch.
"""
import csv
import collections
import gzip
import json
import sys


def open_text(path):
    if path.endswith(".gz"):
        return gzip.open(path, "rt", newline="", encoding="utf-8")
    return open(path, newline="", encoding="utf-8")


def group_count(inp, key, out):
    with open_text(inp) as f:
        expected = collections.Counter(row[key] for row in csv.DictReader(f))
    with open_text(out) as f:
        rows = list(csv.DictReader(f))
    actual = {r[key]: int(r["n"]) for r in rows}
    if len(rows) != len(actual):
        sys.exit("duplicate groups in output")
    if actual != dict(expected):
        sys.exit("mismatch: expected %s, got %s" % (dict(expected), actual))
    print("ok %d groups %d rows" % (len(actual), sum(actual.values())))


def rows(inp):
    with open_text(inp) as f:
        print(sum(1 for _ in csv.DictReader(f)))


def jsonl_sum(out, column):
    n = 0
    total = 0
    with open(out, encoding="utf-8") as f:
        for line in f:
            obj = json.loads(line)
            n += 1
            total += obj[column]
    print("%d %d" % (n, total))


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "group-count":
        group_count(sys.argv[2], sys.argv[3], sys.argv[4])
    elif cmd == "rows":
        rows(sys.argv[2])
    elif cmd == "jsonl-sum":
        jsonl_sum(sys.argv[2], sys.argv[3])
    else:
        sys.exit("unknown command " + cmd)
