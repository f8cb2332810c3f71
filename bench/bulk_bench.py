#!/usr/bin/env python3
"""Helpers of bench/bulk.sh (python3 standard library only).

    bulk_bench.py rss PID OUT.tsv CLIENT_PIDFILE
        Samples VmRSS of PID every 100 ms (time since start in seconds, kB,
        and the bytes the client has read from the file so far: rchar of
        /proc/CLIENT/io, CLIENT's pid read from CLIENT_PIDFILE once it is
        there) into OUT.tsv until PID exits or this process gets SIGTERM; then prints
        "first_kb max_kb last_kb samples max_before_kb": SIGUSR1 marks
        the upload's answer, max_before_kb is the largest sample before it.

    bulk_bench.py progress OUT.tsv BYTES RECORDS
        From the samples of `rss` during an upload of BYTES bytes: the
        seconds the client took to read (and so send) each fifth of the
        file and the records/s
        that makes (records evenly spread over the bytes), one line.

    bulk_bench.py csv UNITS.tsv CATEGORIES.tsv PRACTICES.ndjson PRACTICE.csv PC.csv
        Writes the rows bdp's bulk upload would write into practice (ids
        1..N in file order) and practice_category as CSV for COPY, with
        the same defaults as bulk_practices(). UNITS.tsv: teryt, type, name,
        voivodeship, id (psql -At -F tab); CATEGORIES.tsv: slug, id.
        Prints "practices category_rows".

    bulk_bench.py search BASE KEY IDS_TITLES.tsv
        For each "id<TAB>title" line, GET BASE/v1/practices?q="<title>"
        and checks that the id is among the hits. Prints one line per id
        and "found K of N" last.
"""

import csv
import json
import os
import signal
import sys
import time
import urllib.parse
import urllib.request


def rss(pid, out, client_pidfile):
    stop = False
    answered = False

    def on_term(*_):
        nonlocal stop
        stop = True

    def on_usr1(*_):
        nonlocal answered
        answered = True

    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGUSR1, on_usr1)
    before = None
    path = f"/proc/{pid}/status"
    io = None
    rchar = 0
    first = last = peak = 0
    n = 0
    t0 = time.monotonic()
    with open(out, "w") as f:
        while not stop:
            try:
                with open(path) as s:
                    for line in s:
                        if line.startswith("VmRSS:"):
                            kb = int(line.split()[1])
                            break
                    else:
                        break
            except OSError:
                break
            if io is None:
                try:
                    with open(client_pidfile) as s:
                        io = f"/proc/{int(s.read())}/io"
                except (OSError, ValueError):
                    pass
            if io:
                try:
                    with open(io) as s:
                        rchar = next(int(l.split()[1]) for l in s if l.startswith("rchar:"))
                except (OSError, StopIteration):
                    pass  # the client is gone: keep its last count
            if n == 0:
                first = kb
            if answered and before is None:
                before = peak
                f.write("# answer\n")
            last = kb
            peak = max(peak, kb)
            n += 1
            f.write(f"{time.monotonic() - t0:.2f}\t{kb}\t{rchar}\n")
            time.sleep(0.1)
    print(first, peak, last, n, peak if before is None else before)


def progress(tsv, total, records):
    total, records = int(total), int(records)
    rows = [tuple(float(x) for x in line.split()) for line in open(tsv)
            if line.strip() and not line.startswith("#")]
    start = 0
    # The first sample that has read at least k fifths of the body.
    marks = [max((r[0] for r in rows if r[2] == 0), default=rows[0][0])]
    for k in range(1, 6):
        want = start + total * k / 5 * (0.999 if k == 5 else 1)
        t = next((r[0] for r in rows if r[2] >= want), rows[-1][0])
        marks.append(t)
    out = []
    for k in range(5):
        secs = marks[k + 1] - marks[k]
        rate = records / 5 / secs if secs > 0 else 0
        out.append(f"{secs:.1f} s ({rate:.0f}/s)")
    print(", ".join(out))


def q(s):
    """A CSV field for COPY: None is NULL (unquoted empty), anything else quoted."""
    if s is None:
        return ""
    return '"' + str(s).replace('"', '""') + '"'


def js(v):
    return json.dumps(v, ensure_ascii=False, separators=(",", ":"))


def make_csv(units_tsv, cats_tsv, ndjson, out_practice, out_pc):
    by_teryt, by_name = {}, {}
    with open(units_tsv, encoding="utf-8") as f:
        for line in f:
            teryt, typ, name, voiv, uid = line.rstrip("\n").split("\t")
            if teryt:
                by_teryt[teryt] = int(uid)
            else:
                by_name.setdefault((typ, name, voiv), int(uid))
    slugs = {}
    with open(cats_tsv, encoding="utf-8") as f:
        for line in f:
            slug, cid = line.rstrip("\n").split("\t")
            slugs[slug] = int(cid)
    n = pcs = 0
    today = time.strftime("%Y-%m-%d")
    with open(ndjson, encoding="utf-8") as src, \
            open(out_practice, "w", encoding="utf-8") as fp, \
            open(out_pc, "w", encoding="utf-8") as fc:
        for line in src:
            if not line.strip():
                continue
            r = json.loads(line)
            n += 1
            if r.get("unit_teryt"):
                unit_id = by_teryt[r["unit_teryt"]]
            else:
                u = r["unit"]
                unit_id = by_name[(u["type"], u["name"], u.get("voivodeship") or "")]
            impl = r.get("implementer")
            fp.write(",".join([
                str(n), q(r["title"]), q(r.get("status") or "draft"), str(unit_id),
                q(r.get("summary") or ""), q(js(r.get("sections") or [])),
                q(js(impl) if impl is not None else None),
                q(js(r.get("partners") or [])), q(js(r.get("attachments") or [])),
                q(js(r.get("keywords") or [])), q(r.get("entered_on") or today),
                q(r.get("revised_on")), q(r.get("source")), q(r.get("external_id")),
            ]) + "\n")
            for k, slug in enumerate(r.get("category_slugs") or [], 1):
                fc.write(f"{n},{slugs[slug]},{k}\n")
                pcs += 1
    print(n, pcs)


def search(base, key, ids_titles):
    found = total = 0
    with open(ids_titles, encoding="utf-8") as f:
        for line in f:
            pid, title = line.rstrip("\n").split("\t", 1)
            total += 1
            url = f"{base}/v1/practices?" + urllib.parse.urlencode(
                {"q": f'"{title}"', "limit": "20"})
            req = urllib.request.Request(url, headers={"Authorization": f"Bearer {key}"})
            t = time.monotonic()
            with urllib.request.urlopen(req, timeout=30) as resp:
                body = json.load(resp)
            ms = (time.monotonic() - t) * 1000
            ids = [str(i.get("id")) for i in body.get("items", [])]
            ok = pid in ids
            found += ok
            print(f"id {pid}: {'found' if ok else 'NOT found'} among {len(ids)} hits"
                  f" (total {body.get('total')}, {ms:.0f} ms) for q=\"{title[:60]}\"")
    print(f"found {found} of {total}")


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "rss" and len(args) == 3:
        rss(int(args[0]), args[1], args[2])
    elif cmd == "progress" and len(args) == 3:
        progress(*args)
    elif cmd == "csv" and len(args) == 5:
        make_csv(*args)
    elif cmd == "search" and len(args) == 3:
        search(*args)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
