"""Independent oracle for the lookup stage, with Python's csv and json modules.

join:  lookup_join.py join INPUT TABLE FORMAT ON_INPUT ON_TABLE ADD_JSON MISSING
       prints {"output": [header, rows...], "rejected": [[line, raw_row], ...]}
read:  lookup_join.py read FILE   prints the CSV file's records (header included) as JSON
rejects: lookup_join.py rejects FILE   prints the rejected rows of a rejects file as JSON
"""
import csv
import json
import sys

csv.field_size_limit(sys.maxsize)


def read_csv(path):
    with open(path, newline='', encoding='utf-8-sig') as f:
        return [r for r in csv.reader(f, strict=True) if r]


def table_rows(path, fmt, key):
    rows = {}
    if fmt == 'csv':
        with open(path, newline='', encoding='utf-8-sig') as f:
            for r in csv.DictReader(f, strict=True):
                assert r[key] not in rows, 'duplicate key ' + r[key]
                rows[r[key]] = r
    else:
        with open(path, encoding='utf-8-sig') as f:
            for line in f:
                if not line.strip():
                    continue
                o = json.loads(line)
                k = o[key] if isinstance(o[key], str) else json.dumps(o[key])
                assert k not in rows, 'duplicate key ' + k
                rows[k] = {c: ('' if v is None else v if isinstance(v, str) else json.dumps(v))
                           for c, v in o.items()}
    return rows


def join(inp, table, fmt, on_input, on_table, add, missing):
    rows = table_rows(table, fmt, on_table)
    records = read_csv(inp)
    header, data = records[0], records[1:]
    j = header.index(on_input)
    out = [header + add]
    rejected = []
    for r in data:
        if len(r) != len(header):
            rejected.append(r)
            continue
        found = rows.get(r[j])
        if found is None and missing == 'reject':
            rejected.append(r)
            continue
        out.append(r + [(found.get(c, '') if found else '') for c in add])
    return {'output': out, 'rejected': rejected}


if sys.argv[1] == 'join':
    print(json.dumps(join(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6],
                          json.loads(sys.argv[7]), sys.argv[8])))
elif sys.argv[1] == 'rejects':
    # the raw rows of a rejects file (line,reason,raw), each parsed back into its fields
    print(json.dumps([next(csv.reader([r[2]], strict=True)) for r in read_csv(sys.argv[2])[1:]]))
else:
    print(json.dumps(read_csv(sys.argv[2])))
