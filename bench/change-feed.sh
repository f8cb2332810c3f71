#!/usr/bin/env bash
# The change feed (issue 5), in one session on one throwaway database:
#
#   1. GET /v1/practices/{id} throughput alone and with 64 long polls of
#      GET /v1/changes?wait=60 waiting (alone, with, alone, with);
#   2. the speed of reading the whole feed (>= 200,000 entries) with
#      limit=1000 through the API, and of the same page SQL in psql alone;
#   3. how soon a waiting long poll answers after a writer's commit.
#
#   bench/change-feed.sh
#
# Starts PostgreSQL with scripts/pg on a free port, `bdp migrate`, loads
# bench/load-practices.sql (100,000 practices; its change log gets one entry
# per unit, practice and contact: about 200,500 entries), VACUUM, creates a
# reader and an editor key, starts `bdp serve` with its defaults (128 threads,
# up to 64 long polls waiting) and runs the three parts; the clients are
# bench/change_feed.py. Prints a markdown report. Everything it started is
# stopped and removed on exit. See bench/RESULTS.md, "Change feed (issue 5)".
#
# Environment (all optional):
#   BDP_BIN           the bdp binary (default build-bench5/bdp, a release
#                     build this script sets up and brings up to date)
#   BENCH_PRACTICES   number of practices (100000)
#   BENCH_DURATION    wrk duration of one run (10s)
#   BENCH_ROUNDS      alone/with pairs (2)
#   BENCH_POLLS       waiting long polls in part 1 (64)
#   BENCH_WRITES      writes in part 3 (200), BENCH_WRITE_MS apart (100)
#   BENCH_KEEP=1      keep the work directory (database, logs, outputs)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

N=${BENCH_PRACTICES:-100000}
DURATION=${BENCH_DURATION:-10s}
ROUNDS=${BENCH_ROUNDS:-2}
POLLS=${BENCH_POLLS:-64}
WRITES=${BENCH_WRITES:-200}
WRITE_MS=${BENCH_WRITE_MS:-100}
WRK_C=16 WRK_T=2

say() { printf '%s\n' "$*" >&2; }
die() {
    say "change-feed: $*"
    exit 1
}
. "$ROOT/bench/lib.sh"

for tool in wrk curl psql perl python3; do
    command -v "$tool" >/dev/null 2>&1 || die "$tool is missing (scripts/install-deps)"
done

# --- bdp ----------------------------------------------------------------------
bench_build build-bench5

# --- work directory and teardown -------------------------------------------------
WORK=$(mktemp -d /tmp/bdp-bench5.XXXXXX)
chmod 755 "$WORK"
PGDIR=$WORK/pg
BDP_PID="" HOLD_PID="" PG_STARTED=""

cleanup() {
    local rc=$?
    set +e
    if [[ -n "$HOLD_PID" ]] && kill "$HOLD_PID" 2>/dev/null; then
        sleep 0.5
        kill -9 "$HOLD_PID" 2>/dev/null
        wait "$HOLD_PID" 2>/dev/null
    fi
    if [[ -n "$BDP_PID" ]]; then
        poke 2>/dev/null # wakes waiting long polls, or stopping waits for them
    fi
    if [[ -n "$BDP_PID" ]] && kill "$BDP_PID" 2>/dev/null; then
        wait "$BDP_PID" 2>/dev/null
    fi
    if [[ -n "$PG_STARTED" ]]; then
        bench_pg_remove "$PGDIR"
    fi
    if [[ -n "${BENCH_KEEP:-}" ]]; then
        say "change-feed: kept $WORK"
    else
        rm -rf "$WORK"
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

T0=$SECONDS

# --- PostgreSQL, schema, data ----------------------------------------------------
PG_PORT=$(scripts/pg free-port)
say "change-feed: PostgreSQL on port $PG_PORT"
PG_STARTED=1
scripts/pg start "$PGDIR" "$PG_PORT" >/dev/null
DB_URL=$(scripts/pg url "$PGDIR" "$PG_PORT")
sql() { psql -X -At -q -v ON_ERROR_STOP=1 "$DB_URL" "$@"; }

BDP_DATABASE_URL=$DB_URL "$BDP_BIN" migrate >"$WORK/migrate.log" 2>&1 ||
    {
        cat "$WORK/migrate.log" >&2
        die "bdp migrate failed"
    }

say "change-feed: loading $N practices"
t=$SECONDS
psql -X -q -v ON_ERROR_STOP=1 -v n="$N" -f bench/load-practices.sql "$DB_URL" \
    >"$WORK/load.out" || die "bench/load-practices.sql failed"
LOAD_SECONDS=$((SECONDS - t))
sql -c "VACUUM (FREEZE, ANALYZE)" -c "CHECKPOINT" || die "VACUUM after the load failed"
ENTRIES_BY_KIND=$(sql -F ' ' -c "SELECT resource, count(*) FROM change GROUP BY 1 ORDER BY 1" |
    awk '{printf "%s%s %s", (NR > 1 ? ", " : ""), $2, $1}')
ENTRIES=$(sql -c "SELECT count(*) FROM change")
AVG_BYTES=$(sql -c "SELECT round(avg(octet_length(practice_json(p, true)::text)))
                    FROM practice p WHERE p.id % 100 = 0")
say "change-feed: $ENTRIES change entries ($ENTRIES_BY_KIND), loaded in ${LOAD_SECONDS}s"

# The cursor of the newest entry, as bdp encodes it (src/change_store.c).
cursor_now() {
    sql -c "SELECT translate(rtrim(encode(convert_to('c:' || txid || ':' || seq, 'UTF8'),
                'base64'), '='), '+/', '-_') FROM change ORDER BY txid DESC, seq DESC LIMIT 1"
}

key() { BDP_DATABASE_URL=$DB_URL "$BDP_BIN" key create --name "$1" --role "$2" 2>>"$WORK/keys.log"; }
READER_KEY=$(key bench-reader reader) || die "cannot create a reader key"
EDITOR_KEY=$(key bench-editor editor) || die "cannot create an editor key"

# --- bdp serve --------------------------------------------------------------------
# The load dates its entries with the records' created_at (2008-2016): with
# the default 90-day retention, serve would purge them all at start. Keep
# them; nothing else differs from the defaults.
BDP_PORT=$(scripts/pg free-port)
BDP_LOG=$WORK/bdp.log
BDP_DATABASE_URL=$DB_URL BDP_LISTEN=127.0.0.1:$BDP_PORT BDP_CHANGE_RETENTION_DAYS=36500 \
    "$BDP_BIN" serve >"$WORK/bdp.stdout" 2>"$BDP_LOG" &
BDP_PID=$!
BASE=http://127.0.0.1:$BDP_PORT
for _ in $(seq 1 100); do
    curl -fsS -o /dev/null "$BASE/healthz" 2>/dev/null && break
    kill -0 "$BDP_PID" 2>/dev/null || {
        tail -n 20 "$BDP_LOG" >&2
        die "bdp serve exited at startup"
    }
    sleep 0.1
done
curl -fsS -o /dev/null "$BASE/healthz" || die "bdp serve does not answer"
sleep 1
THREADS_BDP=$(awk '/^Threads:/ {print $2}' "/proc/$BDP_PID/status")
code=$(curl -sS -o "$WORK/one.json" -w '%{http_code}' "$BASE/v1/practices/1")
[[ $code == 200 ]] || die "GET /v1/practices/1 answered $code"
code=$(curl -sS -o "$WORK/first.json" -w '%{http_code}' -H "Authorization: Bearer $READER_KEY" \
    "$BASE/v1/changes?limit=1")
[[ $code == 200 ]] || die "GET /v1/changes answered $code: $(head -c 300 "$WORK/first.json")"
grep -q '"changes":\[{' "$WORK/first.json" || die "the feed is empty: $(head -c 300 "$WORK/first.json")"

# --- helpers ------------------------------------------------------------------------
to_ms() {
    awk -v v="$1" 'BEGIN {
        n = v + 0
        if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n *= 1; else if (v ~ /m$/) n *= 60000;
        else if (v ~ /s$/) n *= 1000
        printf "%.2f", n }'
}
parse_wrk() { # FILE -> "rps p50ms p99ms errors"
    local rps p50 p99 non2xx sockerr
    rps=$(awk '/^Requests\/sec:/ {print $2}' "$1")
    p50=$(awk '$1 == "50%" {print $2}' "$1")
    p99=$(awk '$1 == "99%" {print $2}' "$1")
    non2xx=$(awk '/Non-2xx or 3xx responses:/ {print $NF}' "$1")
    sockerr=$(awk '/Socket errors:/ {s = 0; for (i = 4; i <= NF; i += 2) s += $i; print s}' "$1" | tr -d ',')
    echo "${rps:-0} $(to_ms "${p50:-0}") $(to_ms "${p99:-0}") $((${non2xx:-0} + ${sockerr:-0}))"
}
run_wrk() { # DURATION OUT
    BENCH_MAX_ID=$N wrk -t"$WRK_T" -c"$WRK_C" -d"$1" --latency -s bench/random-id.lua "$BASE" \
        >"$2" 2>&1 || {
        cat "$2" >&2
        die "wrk failed"
    }
}
cpu_ticks() { sed 's/^.*) //' "/proc/$1/stat" | awk '{print $12 + $13}'; }
CLK_TCK=$(getconf CLK_TCK)
cpu_per_req() { # TICKS_BEFORE TICKS_AFTER WRK_OUTPUT
    local n
    n=$(awk '/requests in/ {print $1}' "$3")
    awk -v a="$1" -v b="$2" -v n="${n:-0}" -v hz="$CLK_TCK" \
        'BEGIN { if (n > 0) printf "%.0f", (b - a) / hz * 1e6 / n; else print "n/a" }'
}
# CPU ticks of all PostgreSQL processes (backends and auxiliary ones).
pg_ticks() {
    local pid t=0 v
    for pid in $(sql -c "SELECT pid FROM pg_stat_activity"); do
        v=$(cpu_ticks "$pid" 2>/dev/null) || continue
        t=$((t + v))
    done
    echo "$t"
}
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR] = $1} END {
    if (NR % 2) print a[(NR + 1) / 2]; else printf "%.2f\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
pct() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1f", 100 * a / b; else print "n/a" }'; }

# A commit that wakes every waiting long poll (outside any measured run).
poke() { sql -c "UPDATE practice SET title = title WHERE id = $N"; }

HOLD_STATUS=$WORK/hold.status
start_hold() { # ROUND
    rm -f "$HOLD_STATUS"
    python3 bench/change_feed.py hold "$BASE" "$READER_KEY" "$(cursor_now)" "$POLLS" \
        "$HOLD_STATUS" >"$WORK/hold-$1.json" 2>"$WORK/hold-$1.err" &
    HOLD_PID=$!
    local _ inflight completed immediate
    for _ in $(seq 1 100); do
        if [[ -s $HOLD_STATUS ]]; then
            read -r inflight completed immediate <"$HOLD_STATUS"
            [[ $inflight == "$POLLS" ]] && break
        fi
        sleep 0.1
    done
    [[ ${inflight:-0} == "$POLLS" ]] || die "the long polls did not start ($(cat "$HOLD_STATUS" 2>/dev/null))"
    sleep 2
    read -r inflight completed immediate <"$HOLD_STATUS"
    [[ $inflight == "$POLLS" && $completed == 0 ]] ||
        die "the long polls do not stay waiting: inflight $inflight, answered $completed, at once $immediate"
}
stop_hold() { # -> prints "answered_during_run"
    local _
    kill -TERM "$HOLD_PID"
    poke
    for _ in $(seq 1 100); do
        kill -0 "$HOLD_PID" 2>/dev/null || break
        sleep 0.1
    done
    kill -0 "$HOLD_PID" 2>/dev/null && die "the long polls did not end after a commit"
    wait "$HOLD_PID" || die "bench/change_feed.py hold failed: $(cat "$WORK"/hold-*.err)"
    HOLD_PID=""
}

# --- part 1: GET by id alone and with waiting long polls -------------------------------
say "change-feed: part 1: warming up (3s)"
run_wrk 3s "$WORK/warm.txt"

declare -a A_RPS A_P50 A_P99 A_ERR A_CPU W_RPS W_P50 W_P99 W_ERR W_CPU W_IDLE_TPS W_IDLE_CPU W_ANS W_THREADS
for r in $(seq 1 "$ROUNDS"); do
    say "change-feed: part 1: round $r/$ROUNDS: alone"
    t0=$(cpu_ticks "$BDP_PID")
    run_wrk "$DURATION" "$WORK/wrk-alone-$r.txt"
    A_CPU[r]=$(cpu_per_req "$t0" "$(cpu_ticks "$BDP_PID")" "$WORK/wrk-alone-$r.txt")
    read -r "A_RPS[r]" "A_P50[r]" "A_P99[r]" "A_ERR[r]" < <(parse_wrk "$WORK/wrk-alone-$r.txt")

    say "change-feed: part 1: round $r/$ROUNDS: with $POLLS long polls waiting"
    start_hold "$r"
    W_THREADS[r]=$(awk '/^Threads:/ {print $2}' "/proc/$BDP_PID/status")
    # What the waiting polls cost while nothing else happens: CPU of
    # PostgreSQL and of bdp (% of one core) over 5 s.
    x0=$(pg_ticks) c0=$(cpu_ticks "$BDP_PID")
    sleep 5
    x1=$(pg_ticks) c1=$(cpu_ticks "$BDP_PID")
    W_IDLE_TPS[r]=$(awk -v a="$x0" -v b="$x1" -v hz="$CLK_TCK" 'BEGIN { printf "%.1f", (b - a) / hz / 5 * 100 }')
    W_IDLE_CPU[r]=$(awk -v a="$c0" -v b="$c1" -v hz="$CLK_TCK" 'BEGIN { printf "%.1f", (b - a) / hz / 5 * 100 }')
    read -r _ before _ <"$HOLD_STATUS"
    t0=$(cpu_ticks "$BDP_PID")
    run_wrk "$DURATION" "$WORK/wrk-with-$r.txt"
    W_CPU[r]=$(cpu_per_req "$t0" "$(cpu_ticks "$BDP_PID")" "$WORK/wrk-with-$r.txt")
    read -r inflight after _ <"$HOLD_STATUS"
    W_ANS[r]=$((after - before))
    [[ $inflight == "$POLLS" ]] || say "change-feed: WARNING: only $inflight polls waiting after the run"
    read -r "W_RPS[r]" "W_P50[r]" "W_P99[r]" "W_ERR[r]" < <(parse_wrk "$WORK/wrk-with-$r.txt")
    stop_hold
done

# --- part 2: reading the feed ---------------------------------------------------------
say "change-feed: part 2: paging the whole feed with limit=1000"
ENTRIES=$(sql -c "SELECT count(*) FROM change")
python3 bench/change_feed.py read "$BASE" "$READER_KEY" "$WORK/read.json" >"$WORK/read.out" ||
    die "bench/change_feed.py read failed"
READ=$(cat "$WORK/read.out")
jq_() { python3 -c "import json,sys; d=json.loads(sys.argv[1]); print(eval(sys.argv[2], {}, {'d': d}))" "$READ" "$1"; }

# The page statement bdp prepares (src/change_store.c, change_page), in psql.
PAGE_SQL=$(perl -0777 -ne '
    if (/"change_page",\s*((?:"(?:[^"\\]|\\.)*"\s*)+),\s*3\s*\}/s) {
        my $lit = $1; my $s = "";
        $s .= $1 while $lit =~ /"((?:[^"\\]|\\.)*)"/g;
        $s =~ s/\\"/"/g; $s =~ s/\\\\/\\/g; $s =~ s/\s+/ /g; print $s;
    }' src/change_store.c)
[[ -n "$PAGE_SQL" ]] || die "no change_page statement in src/change_store.c"
{
    echo "PREPARE change_page(xid8, bigint, int) AS $PAGE_SQL;"
    echo '\timing on'
    echo '\o /dev/null'
    # One EXECUTE per page, with the kinds of entry the page holds.
    sql -F ' ' -c "
        WITH o AS (SELECT txid, seq, resource, row_number() OVER (ORDER BY txid, seq) - 1 AS rn
                   FROM change),
             p AS (SELECT rn / 1000 AS page, string_agg(DISTINCT resource, '+') AS kinds,
                          (array_agg(txid ORDER BY rn DESC))[1] AS lt,
                          (array_agg(seq ORDER BY rn DESC))[1] AS ls
                   FROM o GROUP BY 1)
        SELECT kinds, coalesce(lag(lt::text) OVER w, '0'), coalesce(lag(ls) OVER w, 0)
        FROM p WINDOW w AS (ORDER BY page) ORDER BY page" |
        while read -r kinds txid seq; do
            echo "\\echo page $kinds"
            echo "EXECUTE change_page('$txid', $seq, 1000);"
        done
} >"$WORK/pages.sql"
psql -X -At -v ON_ERROR_STOP=1 -f "$WORK/pages.sql" "$DB_URL" >"$WORK/pages.out" ||
    die "the page SQL failed in psql"
PSQL_PAGES=$(awk '/^page / {k = $2} /^Time: / && k != "" {t[k] += $2; n[k]++; T += $2; N++; k = ""}
    END { printf "%d pages %.0f ms", N, T; for (x in t) printf "; %s: %d pages %.0f ms", x, n[x], t[x] }' \
    "$WORK/pages.out")
psql_rate() { # KIND -> entries/s of the pages of only that kind
    awk -v want="$1" '/^page / {k = $2} /^Time: / && k == want {t += $2; n++; k = ""}
        END { if (t > 0) printf "%.0f", n * 1000 / (t / 1000) }' "$WORK/pages.out"
}
PSQL_TOTAL_MS=$(awk '/^Time: / {t += $2} END {printf "%.0f", t}' "$WORK/pages.out")

# EXPLAIN ANALYZE of one page of practice entries and one of contacts, and
# practice_json alone for the same 1000 practices.
mid_practice=$(sql -F ' ' -c "SELECT txid, seq FROM change WHERE resource = 'practice'
    ORDER BY txid, seq OFFSET 50000 LIMIT 1")
mid_contact=$(sql -F ' ' -c "SELECT txid, seq FROM change WHERE resource = 'contact'
    ORDER BY txid, seq OFFSET 50000 LIMIT 1")
explain_page() { # TXID SEQ
    psql -X -At -v ON_ERROR_STOP=1 "$DB_URL" <<EOF
PREPARE change_page(xid8, bigint, int) AS $PAGE_SQL;
EXPLAIN (ANALYZE, BUFFERS, VERBOSE off) EXECUTE change_page('$1', $2, 1000);
EOF
}
# shellcheck disable=SC2086
explain_page $mid_practice >"$WORK/explain-practice.txt"
# shellcheck disable=SC2086
explain_page $mid_contact >"$WORK/explain-contact.txt"
sql -c "EXPLAIN (ANALYZE, BUFFERS) SELECT practice_json(p, true) FROM practice p
        WHERE p.id BETWEEN 50001 AND 51000" >"$WORK/explain-practice-json.txt"
exec_ms() { awk '/Execution Time:/ {print $3}' "$1"; }

# --- part 3: notification latency -------------------------------------------------------
say "change-feed: part 3: $WRITES writes ${WRITE_MS} ms apart, one long poll waiting"
python3 bench/change_feed.py latency "$BASE" "$READER_KEY" "$EDITOR_KEY" "$(cursor_now)" \
    "$WRITES" "$WRITE_MS" "$WORK/latency.json" >"$WORK/latency.out" ||
    die "bench/change_feed.py latency failed"
LAT=$(cat "$WORK/latency.out")
# The client has gone, but bdp's worker still waits (up to 60 s) on its
# last poll, and `bdp serve` finishes in-flight requests before it stops:
# a commit answers it now.
poke
lat_() { python3 -c "import json,sys; d=json.loads(sys.argv[1]); print(eval(sys.argv[2], {}, {'d': d}))" "$LAT" "$1"; }

# --- report ---------------------------------------------------------------------------
am=$(median "${A_RPS[@]}")
wm=$(median "${W_RPS[@]}")
ratio=$(pct "$wm" "$am")
fmt() { awk -v v="$1" 'BEGIN { printf "%.0f", v }'; }
fmt2() { awk -v v="$1" 'BEGIN { printf "%.1f", v }'; }

echo
echo "## Change feed, $(date -u +%Y-%m-%d), $(nproc) cores"
echo
echo "$N practices ($AVG_BYTES-byte documents with private fields on average); $ENTRIES change"
echo "entries at the start of part 2 ($ENTRIES_BY_KIND after the load); bdp with its defaults"
echo "($THREADS_BDP threads at start) and BDP_CHANGE_RETENTION_DAYS=36500."
echo
echo "### 1. GET /v1/practices/{id} with $POLLS long polls waiting"
echo
echo "wrk -t$WRK_T -c$WRK_C -d$DURATION --latency -s bench/random-id.lua; \"with\": $POLLS clients"
echo "looping GET /v1/changes?after=<newest cursor>&wait=60 with a reader key."
echo
echo "| run | req/s | p50 ms | p99 ms | bdp CPU µs/req | errors | polls answered during the run | idle cost of the polls |"
echo "|---|---:|---:|---:|---:|---:|---:|---|"
for r in $(seq 1 "$ROUNDS"); do
    echo "| alone $r | ${A_RPS[r]} | ${A_P50[r]} | ${A_P99[r]} | ${A_CPU[r]} | ${A_ERR[r]} | | |"
    echo "| with $r | ${W_RPS[r]} | ${W_P50[r]} | ${W_P99[r]} | ${W_CPU[r]} | ${W_ERR[r]} | ${W_ANS[r]} | PostgreSQL ${W_IDLE_TPS[r]}%, bdp ${W_IDLE_CPU[r]}% of a core; ${W_THREADS[r]} threads |"
done
echo "| median alone / with | $am / $wm | $(median "${A_P50[@]}") / $(median "${W_P50[@]}") | $(median "${A_P99[@]}") / $(median "${W_P99[@]}") | $(median "${A_CPU[@]}") / $(median "${W_CPU[@]}") | | | |"
echo
echo "With / alone (medians): **$ratio%** (target >= 90%)."
echo
echo "### 2. Reading the feed"
echo
echo "API: $(jq_ 'd["entries"]') entries in $(jq_ 'd["pages"]') pages of limit=1000, one connection:"
echo "$(fmt2 "$(jq_ 'd["request_s"]')") s in requests ($(fmt "$(jq_ 'd["per_s_requests"]')") entries/s)," \
    "$(fmt2 "$(jq_ 'd["wall_s"]')") s wall with the client's JSON parsing ($(fmt "$(jq_ 'd["per_s_wall"]')") entries/s)."
echo
echo "| entries | pages | API entries/s | API ms/page p50 | bytes/entry | psql (same SQL) entries/s |"
echo "|---|---:|---:|---:|---:|---:|"
for kind in practice contact; do
    if [[ $(jq_ "'$kind' in d") == True ]]; then
        echo "| $kind | $(jq_ "d['$kind']['pages']") | $(fmt "$(jq_ "d['$kind']['per_s']")") |" \
            "$(fmt2 "$(jq_ "d['$kind']['page_ms_p50']")") | $(fmt "$(jq_ "d['$kind']['bytes_per_entry']")") |" \
            "$(psql_rate "$kind") |"
    fi
done
echo
echo "psql, the change_page statement prepared and executed once per page (output to"
echo "/dev/null, \\timing): $PSQL_PAGES; all entries: $(awk -v n="$ENTRIES" -v t="$PSQL_TOTAL_MS" 'BEGIN { printf "%.0f", n / (t / 1000) }') entries/s."
echo
echo "EXPLAIN ANALYZE of one page (1000 entries): practice entries $(exec_ms "$WORK/explain-practice.txt") ms," \
    "contact entries $(exec_ms "$WORK/explain-contact.txt") ms; practice_json(p, true) alone for 1000" \
    "practices $(exec_ms "$WORK/explain-practice-json.txt") ms."
echo
echo '```'
echo "practice page:"
cat "$WORK/explain-practice.txt"
echo '```'
echo
echo "### 3. Notification latency"
echo
echo "$(lat_ 'd["writes"]') PATCH /v1/practices/{id} (editor key) ${WRITE_MS} ms apart; one long poll"
echo "(wait=60, reader key) re-issued with the new cursor after every answer;"
echo "$(lat_ 'd["poll_answers"]') poll answers, $(lat_ 'd["missing"]') writes not seen within 5 s."
echo
echo "| from | p50 ms | p99 ms | max ms |"
echo "|---|---:|---:|---:|"
echo "| writer's response to the poll's response | $(fmt2 "$(lat_ 'd["from_response_ms"]["p50"]')") | $(fmt2 "$(lat_ 'd["from_response_ms"]["p99"]')") | $(fmt2 "$(lat_ 'd["from_response_ms"]["max"]')") |"
echo "| writer's request sent to the poll's response | $(fmt2 "$(lat_ 'd["from_request_ms"]["p50"]')") | $(fmt2 "$(lat_ 'd["from_request_ms"]["p99"]')") | $(fmt2 "$(lat_ 'd["from_request_ms"]["max"]')") |"
echo "| the PATCH itself | $(fmt2 "$(lat_ 'd["writer_ms"]["p50"]')") | $(fmt2 "$(lat_ 'd["writer_ms"]["p99"]')") | $(fmt2 "$(lat_ 'd["writer_ms"]["max"]')") |"
echo
echo "Minimum (writer's response to poll): $(fmt2 "$(lat_ 'd["from_response_ms"]["min"]')") ms (negative: the poll answered before the writer had its response);" \
    "$(lat_ 'd["over_100ms"]') over 100 ms."
echo
echo "Total time $((SECONDS - T0)) s (load ${LOAD_SECONDS} s)."
[[ -n "${BENCH_KEEP:-}" ]] && echo "Outputs in $WORK"
exit 0
