#!/usr/bin/env python3
"""Helpers of bench/search.sh (python3 standard library only).

    search_bench.py queries DBURL OUT            pick the query mix from the data
    search_bench.py sequential BASE FILE REPS OUT
                                                 each URL REPS times, one at a time
    search_bench.py capture BASE FILE DBURL      each URL once, a marker before each
    search_bench.py pglog PGLOG FILE OUTDIR      bdp's statements per URL -> pgbench files
    search_bench.py pgbench-log OUT PREFIX...    per-transaction latencies of pgbench -l
    search_bench.py pgbench-seq OUT FILES...     medians of one-client pgbench logs
    search_bench.py rss PID URL ACCEPT OUTFILE   export while sampling bdp's VmRSS
    search_bench.py slowest SEQ PGSEQ N          the N slowest URLs as a table

FILE is the query mix (bench/search-queries.txt): one path+query a line;
lines starting with "# " are comments, "## name" names the group of the
URLs that follow (the tables show it).
"""

import http.client
import json
import os
import random
import re
import statistics
import subprocess
import sys
import time
import urllib.parse

MARK = "bdp-bench-mark"


# ---------------------------------------------------------------------------
# The mix file
# ---------------------------------------------------------------------------

def read_mix(path):
    """[(group, url)] in file order."""
    out, group = [], ""
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line.startswith("## "):
                group = line[3:].strip()
            elif line and not line.startswith("#"):
                out.append((group, line))
    return out


def readable(url):
    """The URL with its query decoded, for tables."""
    path, _, query = url.partition("?")
    parts = []
    for k, v in urllib.parse.parse_qsl(query, keep_blank_values=True):
        parts.append(f"{k}={v}")
    return path + ("?" + "&".join(parts) if parts else "")


def percentile(sorted_values, p):
    """Nearest-rank percentile of an ascending list."""
    if not sorted_values:
        return float("nan")
    k = max(0, min(len(sorted_values) - 1, int(-(-p * len(sorted_values) // 100)) - 1))
    return sorted_values[k]


# ---------------------------------------------------------------------------
# queries: the mix, picked from the data
# ---------------------------------------------------------------------------

def psql(dburl, sql):
    r = subprocess.run(["psql", "-X", "-q", "-At", "-F", "\t", "-v", "ON_ERROR_STOP=1",
                        "-d", dburl, "-c", sql],
                       capture_output=True, text=True, check=False)
    if r.returncode != 0:
        sys.exit(f"search_bench.py: psql failed: {r.stderr.strip()}\n{sql}")
    return [line.split("\t") for line in r.stdout.splitlines() if line]


def lit(s):
    return "'" + s.replace("'", "''") + "'"


# Words a user of the BDP would type: the generator's domain vocabulary
# (its category phrases, title leads, institutions, places). Their
# frequencies are measured, not assumed; the bands below pick from them
# first and fill up with words of the generated text.
DOMAIN_WORDS = [
    "urząd", "gmina", "miasto", "cele", "rezultaty", "wnioski", "koszty", "seniorów",
    "gospodarka", "pomocy", "ośrodek", "stowarzyszenie", "fundacja", "partnerstwo", "centrum",
    "powiat", "szkoła", "rodzina", "rewitalizacja", "mieszkańców", "kultury", "odpadów",
    "profilaktyka", "rowerowa", "uczniów", "strategia", "budżet", "biblioteka", "szpital",
    "transport", "dziecka", "zdrowia", "szczepienia", "boisko", "oczyszczalnia",
    "termomodernizacja", "siłownia", "obywatelski", "asystent", "niepełnosprawnych",
    "modernizacja", "program", "projekt", "wolontariat", "przemoc", "emisja", "konsultacje",
    "przedszkole", "wodociągów", "folkloru", "caritas", "platforma", "akademia",
]
# Typed without diacritics (search must fold them).
ASCII_WORDS = ["swietlica", "szkoly", "spoleczne", "zrodla", "osrodek"]
PHRASES = ["dom dziecka", "rodzina zastępcza", "transport publiczny", "budżet obywatelski",
           "odnawialne źródła energii", "centrum usług społecznych", "ścieżka rowerowa",
           "konsultacje społeczne"]
FACET_SETS = ["category,voivodeship,unit_type,year", "category,voivodeship,unit_type,year",
              "category,voivodeship,unit_type,year", "category,year", "voivodeship,unit_type",
              "category"]


def cmd_queries(dburl, out):
    rng = random.Random(3)  # issue 3
    published = int(psql(dburl, "SELECT count(*) FROM practice_search "
                                "WHERE status = 'published'")[0][0])

    def counts(words):
        if not words:
            return {}
        arr = "ARRAY[" + ",".join(lit(w) for w in words) + "]"
        rows = psql(dburl, f"""
            SELECT w, (SELECT count(*) FROM practice_search
                       WHERE status = 'published' AND vector @@ search_query(w))
            FROM unnest({arr}::text[]) w""")
        return {w: int(n) for w, n in rows}

    # Words of the generated text by document frequency, from one practice
    # in ten; each lexeme is shown as the shortest word that has it.
    rows = psql(dburl, """
        WITH st AS (SELECT word AS lex, ndoc FROM ts_stat(
                    'SELECT vector FROM practice_search WHERE practice_id % 10 = 0')),
             words AS (SELECT DISTINCT ON (st.lex) st.lex, st.ndoc, w.word
                       FROM st JOIN search_word w ON w.word = st.lex
                       WHERE length(st.lex) >= 5 AND st.lex ~ '^[a-ząćęłńóśźż]+$'
                       ORDER BY st.lex)
        SELECT word, ndoc FROM words ORDER BY ndoc DESC, word""")
    sample = [(w, int(n)) for w, n in rows]
    sample_docs = int(psql(dburl, "SELECT count(*) FROM practice_search "
                                  "WHERE practice_id % 10 = 0")[0][0])

    def from_sample(lo, hi, k, exclude):
        """k words of the text whose sampled share lies in [lo, hi), verified."""
        pool = [w for w, n in sample if lo * sample_docs <= n < hi * sample_docs
                and w not in exclude]
        rng.shuffle(pool)
        picked = []
        for i in range(0, len(pool), 40):
            c = counts(pool[i:i + 40])
            for w in pool[i:i + 40]:
                if lo * published <= c[w] < hi * published and len(picked) < k:
                    picked.append(w)
            if len(picked) >= k:
                break
        return picked

    dom = counts(DOMAIN_WORDS + ASCII_WORDS)

    def band(lo, hi):
        return sorted((w for w in DOMAIN_WORDS if lo * published <= dom[w] < hi * published),
                      key=lambda w: (-dom[w], w))

    used = set()
    # 10 common words: in more than 30% of the published practices.
    common = band(0.30, 1.01)[:4]
    common += from_sample(0.30, 1.01, 10 - len(common), set(common))
    used.update(common)
    # 15 of middle frequency (1-10%): domain words, two typed without
    # diacritics, the rest from the text.
    mid_dom = band(0.01, 0.10)
    rng.shuffle(mid_dom)
    mid = sorted(mid_dom[:9])
    mid += [w for w in ASCII_WORDS if 0.01 * published <= dom[w] < 0.10 * published][:2]
    mid += from_sample(0.01, 0.10, 15 - len(mid), used | set(mid))
    used.update(mid)
    # 10 rare (< 0.1%, at least one match): names of small gminy (made-up
    # names: the practices of the gmina and of its powiat carry them) and
    # words of the text.
    units = psql(dburl, """
        SELECT u.name FROM unit u JOIN practice_search s ON s.unit_id = u.id
        WHERE u.type LIKE 'gmina%' AND u.name ~ '^[[:alpha:]]+$'
        GROUP BY u.name HAVING count(*) <= 8 ORDER BY count(*), u.name LIMIT 40""")
    unit_names = [r[0] for r in units]
    rng.shuffle(unit_names)
    uc = counts(unit_names)
    rare = [w for w in unit_names if 0 < uc[w] < 0.001 * published][:4]
    rare += from_sample(0.0001, 0.0008, 10 - len(rare), used | set(rare))
    used.update(rare)
    # Two words: topics together, a place and a topic, words of the text.
    # (the first eight with at least one match)
    cand = ["szkoła uczniów", "biblioteka kultury", "rodzina dziecka", "transport urząd",
            "odpadów gospodarka", "Kraków rewitalizacja", f"{common[-1]} {mid[-1]}",
            f"{rare[-1]} {mid[-2]}", f"{common[-2]} {common[-3]}", "Wrocław szkoła",
            "seniorów klub", "profilaktyka zdrowia"]
    cc = counts(cand)
    pairs = [p for p in cand if cc[p] > 0][:8]
    pc = counts(PHRASES)
    phrases = [p for p in PHRASES if pc[p] > 0][:5]
    negations = [f"szkoła -przedszkole", f"rewitalizacja -{common[1]}",
                 f"\"dom kultury\" -biblioteka", f"{mid[0]} -{common[-1]}"]
    ors = ["biblioteka or świetlica", "termomodernizacja or emisja", "szpital or przychodnia"]

    voivs = [r[0] for r in psql(dburl, "SELECT DISTINCT voivodeship FROM unit "
                                       "WHERE voivodeship IS NOT NULL ORDER BY 1")]
    types = ["gmina_wiejska", "gmina_miejska", "gmina_miejsko_wiejska",
             "miasto_na_prawach_powiatu", "powiat_ziemski", "wojewodztwo"]
    cats = [r[0] for r in psql(dburl, "SELECT slug FROM category ORDER BY id")]
    teryts = [r[0] for r in psql(dburl, """
        SELECT t FROM (SELECT DISTINCT left(teryt, 2) t FROM unit WHERE teryt IS NOT NULL
                       UNION SELECT left(teryt, 4) FROM unit WHERE length(teryt) >= 4) x
        ORDER BY 1""")]
    cat_ids = [r[0] for r in psql(dburl, "SELECT id FROM category ORDER BY id")]

    def a_filter():
        kind = rng.choice(["voivodeship", "unit_type", "category", "category_id", "teryt",
                           "entered", "population", "two"])
        if kind == "voivodeship":
            return {"voivodeship": rng.choice(voivs)}
        if kind == "unit_type":
            return {"unit_type": rng.choice(types)}
        if kind == "category":
            return {"category": rng.choice(cats)}
        if kind == "category_id":
            return {"category": rng.choice(cat_ids)}
        if kind == "teryt":
            return {"teryt": rng.choice(teryts)}
        if kind == "entered":
            y = rng.randrange(2008, 2024)
            return {"entered_from": f"{y}-01-01", "entered_to": f"{y + rng.randrange(1, 4)}-12-31"}
        if kind == "population":
            return {"population_min": str(rng.choice([5000, 20000, 50000, 100000]))}
        f = {"voivodeship": rng.choice(voivs)}
        f.update({"unit_type": rng.choice(types)} if rng.random() < 0.5
                 else {"entered_from": f"{rng.randrange(2010, 2022)}-01-01"})
        return f

    groups = [
        ("common single words (in more than 30% of the published practices)",
         [f for f in common]),
        ("single words of middle frequency (1-10%); two typed without diacritics", mid),
        ("rare single words (fewer than 0.1%): names of small gminy, words of the text", rare),
        ("two words", pairs),
        ("quoted phrases", [f"\"{p}\"" for p in phrases]),
        ("with -word", negations),
        ("with or", ors),
    ]
    lines = []
    n_q = sum(len(g[1]) for g in groups)
    # A third with filters, a third with facets (drawn independently).
    with_filter = set(rng.sample(range(n_q), round(n_q / 3)))
    with_facets = set(rng.sample(range(n_q), round(n_q / 3)))
    i = 0
    for name, qs in groups:
        lines.append(f"## {name}")
        for q in qs:
            params = {"q": q}
            if i in with_filter:
                params.update(a_filter())
            if i in with_facets:
                params["facets"] = rng.choice(FACET_SETS)
            if i % 13 == 5:
                params["sort"] = "-entered_on"
            lines.append(url_of(params))
            i += 1
    lines.append("## no q: browsing with filters, facets and sorts")
    for params in [
        {"facets": "category,voivodeship,unit_type,year"},
        {"voivodeship": "mazowieckie", "facets": "category,unit_type", "sort": "title"},
        {"category": "uslugi-techniczne", "sort": "-updated_at"},
        {"teryt": "22", "entered_from": "2015-01-01", "facets": "year,unit_type"},
        {"unit_type": "gmina_wiejska", "population_min": "10000", "sort": "title", "limit": "50"},
    ]:
        lines.append(url_of(params))

    header = [
        "# The query mix of bench/search.sh (issue 3): GET /v1/practices, one path+query a line,",
        "# percent-encoded. Picked once by `bench/search_bench.py queries` from 100,000 practices of",
        "# `scripts/generate practices --count 100000 --seed 1` (units --seed 1); frequencies are",
        f"# shares of the {published} published practices, measured with search_query().",
        "# \"## \" lines name the group of the URLs below them; bench/search-mix.lua skips \"#\" lines.",
    ]
    with open(out, "w", encoding="utf-8") as f:
        f.write("\n".join(header + lines) + "\n")
    n = sum(1 for l in lines if not l.startswith("#"))
    print(f"search_bench.py: wrote {n} URLs to {out}", file=sys.stderr)


def url_of(params):
    return "/v1/practices?" + "&".join(
        f"{k}={urllib.parse.quote(str(v), safe=',')}" for k, v in params.items())


# ---------------------------------------------------------------------------
# HTTP
# ---------------------------------------------------------------------------

class Client:
    def __init__(self, base):
        u = urllib.parse.urlsplit(base)
        self.host, self.port = u.hostname, u.port
        self.conn = None

    def get(self, url, accept="application/json"):
        """(status, body, seconds from sending to the last body byte)."""
        for attempt in (0, 1):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
            try:
                t0 = time.perf_counter()
                self.conn.request("GET", url, headers={"Accept": accept})
                r = self.conn.getresponse()
                body = r.read()
                t = time.perf_counter() - t0
                if r.getheader("Connection", "").lower() == "close":
                    self.conn.close()
                    self.conn = None
                return r.status, body, t
            except (http.client.HTTPException, OSError):
                self.conn.close()
                self.conn = None
                if attempt:
                    raise
        raise RuntimeError("unreachable")


MIN_REPS, BUDGET_S = 5, 5.0


def cmd_sequential(base, mix_file, reps, out):
    """Each URL: one untimed request, then reps timed ones (fewer, but at
    least MIN_REPS, once BUDGET_S seconds are spent on it), one at a time
    on one keep-alive connection. Writes a TSV: n, group, median_ms, min_ms,
    max_ms, status, total, bytes, url, timed requests."""
    c = Client(base)
    bad = 0
    with open(out, "w", encoding="utf-8") as f:
        for n, (group, url) in enumerate(read_mix(mix_file), 1):
            status, body, _ = c.get(url)
            times = []
            started = time.perf_counter()
            while len(times) < reps and not (
                    len(times) >= MIN_REPS and time.perf_counter() - started > BUDGET_S):
                status, body, t = c.get(url)
                times.append(t * 1000)
            total = ""
            if status == 200:
                try:
                    total = json.loads(body).get("total", "")
                except ValueError:
                    pass
            else:
                bad += 1
                print(f"search_bench.py: {status} for {url}: {body[:200]!r}", file=sys.stderr)
            f.write(f"{n}\t{group}\t{statistics.median(times):.2f}\t{min(times):.2f}\t"
                    f"{max(times):.2f}\t{status}\t{total}\t{len(body)}\t{url}\t"
                    f"{len(times)}\n")
    if bad:
        sys.exit(f"search_bench.py: {bad} URLs did not answer 200")


def cmd_capture(base, mix_file, dburl):
    """Each URL once, after a marker statement on its own connection, so that
    the PostgreSQL log shows which statements belong to which request."""
    c = Client(base)
    mix = read_mix(mix_file)
    for n, (_, url) in enumerate(mix, 1):
        psql(dburl, f"SELECT '{MARK} {n}'")
        status, body, _ = c.get(url)
        if status != 200:
            sys.exit(f"search_bench.py: {status} for {url}: {body[:300]!r}")
    psql(dburl, f"SELECT '{MARK} end'")


# ---------------------------------------------------------------------------
# The PostgreSQL log -> pgbench scripts
# ---------------------------------------------------------------------------

REC = re.compile(r"^@@(\d+)\|([^|]*)\|(\w+):  (.*)$", re.S)
PARAM = re.compile(r"\$(\d+) = (NULL|'(?:[^']|'')*')")


def log_records(path):
    """(pid, app, level, message) of a log written with
    log_line_prefix = '@@%p|%a|'; continuation lines are joined."""
    cur = None
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("@@"):
                if cur:
                    yield cur
                m = REC.match(line)
                cur = list(m.groups()) if m else None
            elif cur is not None:
                cur[3] += "\n" + (line[1:] if line.startswith("\t") else line)
    if cur:
        yield cur


def cmd_pglog(pglog, mix_file, outdir):
    """One pgbench script per URL with the statements bdp executed for it,
    the parameters written in as literals. Prints the number of statements
    a request sent, per URL."""
    mix = read_mix(mix_file)
    recs = list(log_records(pglog))
    # Connections of bdp that are not request connections: the indexer and
    # the change feed.
    background = set()
    for pid, app, level, msg in recs:
        if re.search(r"search_queue|LISTEN|purge_changes", msg):
            background.add(pid)
    per_url = {}
    current = None
    pending = {}  # pid -> SQL whose DETAIL (parameters) may follow
    for pid, app, level, msg in recs:
        m = re.search(rf"'{MARK} (\w+)'", msg)
        if m and app != "bdp":
            current = None if m.group(1) == "end" else int(m.group(1))
            continue
        if app != "bdp" or pid in background or current is None:
            continue
        if level == "LOG":
            # Extended protocol (with parameters) and simple protocol
            # (BEGIN, SET LOCAL, ROLLBACK, ...): both are the request's.
            e = re.match(r"duration: [\d.]+ ms  execute [^:]+: (.*)$", msg, re.S)
            simple = re.match(r"duration: [\d.]+ ms  statement: (.*)$", msg, re.S)
            pending.pop(pid, None)
            if e:
                stmt = [e.group(1), {}]
                per_url.setdefault(current, []).append(stmt)
                pending[pid] = stmt
            elif simple and "ts_lexize('bdp_ispell', 'dom')" not in simple.group(1):
                # (that one is a new connection's warm-up, not the request's)
                per_url.setdefault(current, []).append([simple.group(1), {}])
        elif level == "DETAIL" and msg.startswith("parameters: ") and pid in pending:
            pending.pop(pid)[1] = {int(k): v for k, v in PARAM.findall(msg)}
    os.makedirs(outdir, exist_ok=True)
    counts = []
    for n in range(1, len(mix) + 1):
        stmts = per_url.get(n)
        if not stmts:
            sys.exit(f"search_bench.py: no statement of bdp's logged for URL {n}: {mix[n - 1][1]}")
        with open(os.path.join(outdir, f"q{n:02d}.sql"), "w", encoding="utf-8") as f:
            f.write(f"-- {mix[n - 1][1]}\n")
            for sql, params in stmts:
                def sub(m):
                    k = int(m.group(1))
                    if k not in params:
                        sys.exit(f"search_bench.py: URL {n}: no value for ${k} in {sql[:200]}")
                    return params[k]
                text = re.sub(r"\$(\d+)", sub, sql).strip().rstrip(";")
                f.write(text.replace("\n", " ") + ";\n")
        counts.append(len(stmts))
    print(" ".join(str(c) for c in counts))


# ---------------------------------------------------------------------------
# pgbench's per-transaction logs
# ---------------------------------------------------------------------------

def pgbench_rows(paths):
    """(client, txno, latency_us, script, epoch_s, epoch_us) of pgbench -l files."""
    for p in paths:
        with open(p) as f:
            for line in f:
                a = line.split()
                if len(a) >= 6:
                    yield int(a[0]), int(a[1]), int(a[2]), int(a[3]), int(a[4]), int(a[5])


def drop_first(rows):
    """Without each client's first transaction."""
    first = {}
    for r in rows:
        first[r[0]] = min(first.get(r[0], r[1]), r[1])
    return [r for r in rows if r[1] != first[r[0]]]


def cmd_pgbench_log(out, prefixes):
    """Latency p50/p90/p99/max (ms) and tps over all transactions but each
    client's first (the first search on a new connection loads the Polish
    dictionary, about 0.35 s; bdp's connections have done that at start).
    Prints "tps p50 p90 p99 max n"; writes per-script medians to out."""
    files = []
    for prefix in prefixes:
        d, base = os.path.split(prefix)
        files += [os.path.join(d, f) for f in os.listdir(d or ".") if f.startswith(base + ".")]
    rows = drop_first(list(pgbench_rows(files)))
    if not rows:
        sys.exit("search_bench.py: empty pgbench log")
    lat = sorted(r[2] / 1000 for r in rows)
    ends = [r[4] + r[5] / 1e6 for r in rows]
    starts = [e - r[2] / 1e6 for e, r in zip(ends, rows)]
    span = max(ends) - min(starts)
    per = {}
    for r in rows:
        per.setdefault(r[3], []).append(r[2] / 1000)
    with open(out, "w") as f:
        for s in sorted(per):
            f.write(f"{s + 1}\t{statistics.median(per[s]):.2f}\t{len(per[s])}\n")
    print(f"{len(rows) / span:.1f} {percentile(lat, 50):.2f} {percentile(lat, 90):.2f} "
          f"{percentile(lat, 99):.2f} {lat[-1]:.2f} {len(rows)}")


def cmd_pgbench_seq(out, files):
    """One one-client pgbench log per script (qNN.log.*, file order = mix
    order): the median latency of each without its first transaction."""
    with open(out, "w") as f:
        for n, p in enumerate(files, 1):
            lat = [r[2] / 1000 for r in drop_first(list(pgbench_rows([p])))]
            f.write(f"{n}\t{statistics.median(lat):.2f}\t{min(lat):.2f}\t{max(lat):.2f}\n")


# ---------------------------------------------------------------------------
# Export and resident memory
# ---------------------------------------------------------------------------

def vm(pid, key):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


def cmd_rss(pid, url, accept, outfile):
    """Prints "baseline_kb peak_kb end_kb rows bytes seconds samples status"."""
    base_samples = []
    for _ in range(5):
        base_samples.append(vm(pid, "VmRSS"))
        time.sleep(0.05)
    baseline = max(base_samples)
    t0 = time.perf_counter()
    p = subprocess.Popen(["curl", "-sS", "-o", outfile, "-w", "%{http_code}",
                          "-H", f"Accept: {accept}", url],
                         stdout=subprocess.PIPE, text=True)
    peak, samples = baseline, 0
    while p.poll() is None:
        peak = max(peak, vm(pid, "VmRSS"))
        samples += 1
        time.sleep(0.05)
    seconds = time.perf_counter() - t0
    status = p.stdout.read().strip()
    peak = max(peak, vm(pid, "VmRSS"))
    time.sleep(0.5)
    end = vm(pid, "VmRSS")
    rows = 0
    size = os.path.getsize(outfile)
    with open(outfile, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            rows += chunk.count(b"\n")
    print(f"{baseline} {peak} {end} {rows} {size} {seconds:.1f} {samples} {status}")


# ---------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------

def cmd_slowest(seq, pgseq, n):
    """Markdown table of the n URLs slowest in bdp, with PostgreSQL's time."""
    pg = {}
    if os.path.exists(pgseq):
        with open(pgseq) as f:
            for line in f:
                a = line.rstrip("\n").split("\t")
                pg[int(a[0])] = float(a[1])
    rows = []
    with open(seq, encoding="utf-8") as f:
        for line in f:
            a = line.rstrip("\n").split("\t")
            rows.append((int(a[0]), a[1], float(a[2]), a[6], a[8], a[9]))
    rows.sort(key=lambda r: -r[2])
    print("| # | query | group | matches | timed | bdp ms | PostgreSQL ms | bdp - PostgreSQL ms |")
    print("|---:|---|---|---:|---:|---:|---:|---:|")
    for k, group, ms, total, url, reps in rows[:n]:
        p = pg.get(k)
        short = group.split(" (")[0].split(":")[0].split(";")[0]
        q = readable(url).replace("/v1/practices?", "").replace("|", "\\|")
        print(f"| {k} | `{q}` | {short} | {total} | {reps} | {ms:.1f} | "
              f"{'' if p is None else f'{p:.1f}'} | {'' if p is None else f'{ms - p:.1f}'} |")


def main():
    a = sys.argv[1:]
    if not a:
        sys.exit(__doc__)
    cmd, args = a[0], a[1:]
    if cmd == "queries" and len(args) == 2:
        cmd_queries(*args)
    elif cmd == "sequential" and len(args) == 4:
        cmd_sequential(args[0], args[1], int(args[2]), args[3])
    elif cmd == "capture" and len(args) == 3:
        cmd_capture(*args)
    elif cmd == "pglog" and len(args) == 3:
        cmd_pglog(*args)
    elif cmd == "pgbench-log" and len(args) >= 2:
        cmd_pgbench_log(args[0], args[1:])
    elif cmd == "pgbench-seq" and len(args) >= 2:
        cmd_pgbench_seq(args[0], args[1:])
    elif cmd == "rss" and len(args) == 4:
        cmd_rss(int(args[0]), args[1], args[2], args[3])
    elif cmd == "slowest" and len(args) == 3:
        cmd_slowest(args[0], args[1], int(args[2]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
