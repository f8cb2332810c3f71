#!/usr/bin/env bash
# Search (issue 3), in one session on one throwaway database:
#
#   1. how fast bdp's background indexer makes 100,000 practices searchable
#      (from `bdp serve` starting until search_queue is empty);
#   2. GET /v1/practices with a fixed mix of queries (bench/search-queries.txt)
#      at 8 connections (wrk) against bdp as shipped and against a second
#      bdp with BDP_SEARCH_CACHE_MB=0 (with a fixed mix the answer cache
#      replays every repeat), and the same SQL in PostgreSQL alone (pgbench),
#      alternating; then every query of the mix alone, one request at a time,
#      in the cache-less bdp and in PostgreSQL;
#   3. bdp's resident memory while it streams the whole CSV and NDJSON export.
#
#   bench/search.sh
#
# Builds a release bdp in build-bench/, starts PostgreSQL with scripts/pg on a
# free port, `bdp migrate`, generates 100,000 practices with scripts/generate
# (cached in /tmp/bdp-bench-data/, keyed by seed, count and the generator's
# sha256) and loads them with bench/load-ndjson.sh, which bypasses the
# triggers: the script then
# syncs practice_search and queues every practice, as the migration does for
# a database with data. The SQL pgbench runs is what bdp sent, taken from
# PostgreSQL's statement log during one pass over the mix (one pgbench script
# per URL with all its statements, parameters written in as literals).
# Helpers: bench/search_bench.py (python3 standard library), bench/search-mix.lua.
# Prints a markdown report; everything it started is stopped and removed on
# exit. See bench/RESULTS.md, "Search (issue 3)". About 16 minutes on 2 cores,
# 7 of them indexing.
#
# Environment (all optional):
#   BDP_BIN            the bdp binary (default build-bench/bdp, a release build
#                      this script sets up and brings up to date)
#   BENCH_PRACTICES    number of practices (100000)
#   BENCH_SEED         scripts/generate --seed (1)
#   BENCH_QUERIES      the mix (bench/search-queries.txt); when the file is
#                      missing it is picked from the data and written there
#   BENCH_NEW_QUERIES=1  pick the mix again even if the file exists
#   BENCH_DURATION     wrk and pgbench duration of one run, in seconds (30s)
#   BENCH_ROUNDS       bdp/PostgreSQL pairs of runs after the warm-up (2)
#   BENCH_CONNECTIONS  wrk connections and pgbench clients (8)
#   BENCH_REPS         timed requests per URL when alone (20; fewer, at least
#                      5, for a URL that has taken 5 s)
#   BENCH_KEEP=1       keep the work directory (database, logs, outputs)
#   BDP_*              passed on to `bdp serve` (e.g. BDP_POOL_SIZE)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

N=${BENCH_PRACTICES:-100000}
SEED=${BENCH_SEED:-1}
QUERIES=${BENCH_QUERIES:-bench/search-queries.txt}
DURATION=${BENCH_DURATION:-30s}
ROUNDS=${BENCH_ROUNDS:-2}
CONNS=${BENCH_CONNECTIONS:-8}
REPS=${BENCH_REPS:-20}
WRK_T=2
DATA_DIR=/tmp/bdp-bench-data

say() { printf 'search: %s\n' "$*" >&2; }
die() {
    say "$*"
    exit 1
}
. "$ROOT/bench/lib.sh"

PGBENCH=$(command -v pgbench || true)
[[ -n "$PGBENCH" ]] || PGBENCH=/usr/lib/postgresql/15/bin/pgbench
[[ -x "$PGBENCH" ]] || die "pgbench is missing (postgresql-15's bin directory)"
for tool in wrk curl psql python3 awk; do
    command -v "$tool" >/dev/null 2>&1 || die "$tool is missing (scripts/install-deps)"
done

# --- bdp --------------------------------------------------------------------
bench_build build-bench
# What was built (the tree may change while the benchmark runs).
BUILD_TIME=$(date -u '+%Y-%m-%d %H:%M UTC')
BUILD_ID="$(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet HEAD 2>/dev/null || echo ' + working tree')"
BUILD_ID+=" (src/search_store.c sha256 $(sha256sum src/search_store.c | cut -c1-12)...)"

# --- work directory and teardown ----------------------------------------------
WORK=$(mktemp -d /tmp/bdp-bench-search.XXXXXX)
chmod 755 "$WORK"
PGDIR=$WORK/pg
BDP_PIDS=() PG_STARTED="" LOGGING_ON=""

cleanup() {
    local rc=$?
    set +e
    local pid
    for pid in "${BDP_PIDS[@]}"; do
        if kill "$pid" 2>/dev/null; then
            wait "$pid" 2>/dev/null
        fi
    done
    if [[ -n "$PG_STARTED" ]]; then
        if [[ -n "$LOGGING_ON" ]]; then
            psql -X -q "$DB_URL" -c "ALTER SYSTEM RESET log_min_duration_statement" \
                -c "ALTER SYSTEM RESET log_line_prefix" -c "SELECT pg_reload_conf()" \
                >/dev/null 2>&1
        fi
        bench_pg_remove "$PGDIR"
    fi
    if [[ -n "${BENCH_KEEP:-}" ]]; then
        say "kept $WORK"
    else
        rm -rf "$WORK"
    fi
    exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

T0=$SECONDS
LOAD_AVG=$(cut -d' ' -f1-3 /proc/loadavg)

# --- data -----------------------------------------------------------------------
mkdir -p "$DATA_DIR"
# Keyed by seed, count and the generator itself (its output format changes).
GEN=$(sha256sum scripts/generate | cut -c1-10)
UNITS_FILE=$DATA_DIR/units-s$SEED-g$GEN.ndjson
PRACTICES_FILE=$DATA_DIR/practices-s$SEED-n$N-g$GEN.ndjson
if [[ ! -s "$UNITS_FILE" ]]; then
    say "generating units (seed $SEED)"
    scripts/generate units --seed "$SEED" >"$UNITS_FILE.tmp.$$"
    mv "$UNITS_FILE.tmp.$$" "$UNITS_FILE"
fi
if [[ ! -s "$PRACTICES_FILE" ]]; then
    say "generating $N practices (seed $SEED; a minute or two)"
    scripts/generate practices --count "$N" --seed "$SEED" >"$PRACTICES_FILE.tmp.$$"
    mv "$PRACTICES_FILE.tmp.$$" "$PRACTICES_FILE"
fi

# --- PostgreSQL, schema, data ---------------------------------------------------
PG_PORT=$(scripts/pg free-port)
say "PostgreSQL on port $PG_PORT"
PG_STARTED=1
scripts/pg start "$PGDIR" "$PG_PORT" >/dev/null
DB_URL=$(scripts/pg url "$PGDIR" "$PG_PORT")
PG_HOME=$(cat "$PGDIR/pg-home" 2>/dev/null || echo "$PGDIR")
PG_LOG=$PG_HOME/log/pg.log
PG_MAIN_PID=$(head -n 1 "$PG_HOME/data/postmaster.pid")
q() { psql -X -q -At -v ON_ERROR_STOP=1 "$DB_URL" "$@"; }

BDP_DATABASE_URL=$DB_URL "$BDP_BIN" migrate >"$WORK/migrate.log" 2>&1 ||
    {
        cat "$WORK/migrate.log" >&2
        die "bdp migrate failed"
    }

say "loading $N practices with bench/load-ndjson.sh"
t=$SECONDS
bench/load-ndjson.sh "$DB_URL" "$UNITS_FILE" "$PRACTICES_FILE" >"$WORK/load.out" 2>&1 ||
    {
        cat "$WORK/load.out" >&2
        die "bench/load-ndjson.sh failed"
    }
LOAD_SECONDS=$((SECONDS - t))
# The loader turns triggers off: bring practice_search up to date and queue
# every practice for the indexer, as migration 0004 does for existing data.
t=$SECONDS
q -c "SELECT search_sync(ARRAY(SELECT id FROM practice ORDER BY id))" \
    -c "SELECT search_enqueue(ARRAY(SELECT id FROM practice ORDER BY id))" >/dev/null
SYNC_SECONDS=$((SECONDS - t))
q -c "VACUUM ANALYZE" -c "CHECKPOINT"
read -r UNITS PRACTICES PUBLISHED QUEUED < <(q -F ' ' -c "
    SELECT (SELECT count(*) FROM unit), (SELECT count(*) FROM practice),
           (SELECT count(*) FROM practice WHERE status = 'published'),
           (SELECT count(*) FROM search_queue)")
say "$UNITS units, $PRACTICES practices ($PUBLISHED published), $QUEUED queued;" \
    "loaded in ${LOAD_SECONDS}s, synced and queued in ${SYNC_SECONDS}s"

# --- bdp serve and the indexer ------------------------------------------------------
rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
mb() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }

# start_bdp NAME [VAR=VALUE...]: `bdp serve` on a free port, its log in
# $WORK/NAME.log; sets STARTED_PID and STARTED_BASE.
start_bdp() {
    local name=$1 port base pid
    shift
    port=$(scripts/pg free-port)
    base=http://127.0.0.1:$port
    env BDP_DATABASE_URL="$DB_URL" BDP_LISTEN="127.0.0.1:$port" "$@" "$BDP_BIN" serve \
        >"$WORK/$name.stdout" 2>"$WORK/$name.log" &
    pid=$!
    BDP_PIDS+=("$pid")
    for _ in $(seq 1 100); do
        curl -fsS -o /dev/null "$base/healthz" 2>/dev/null && break
        kill -0 "$pid" 2>/dev/null || {
            tail -n 20 "$WORK/$name.log" >&2
            die "bdp serve ($name) exited at startup"
        }
        sleep 0.1
    done
    curl -fsS -o /dev/null "$base/healthz" || die "bdp serve ($name) does not answer $base/healthz"
    STARTED_PID=$pid STARTED_BASE=$base
}

# wait_memory BASE NAME: until that bdp answers from its snapshot in memory
# (Server-Timing: counts;desc="memory"; bdp loads it once the data stops
# changing), 300 s at most; a bdp without one (BDP_SEARCH_MEMORY_MIN_DOCS=0,
# or older) is not waited for. Prints the load's log line.
wait_memory() {
    local base=$1 name=$2 t
    # A new query each time: an answer cache's hit has no Server-Timing.
    curl -fsS -D - -o /dev/null "$base/v1/practices?limit=1&population_max=2000000000" |
        grep -qi '^server-timing:' || return 0
    for t in $(seq 1 600); do
        if curl -fsS -D - -o /dev/null "$base/v1/practices?limit=1&population_min=$t" |
            grep -qi 'server-timing: counts;desc="memory"'; then
            grep -o 'search in memory: [^"]*' "$WORK/$name.log" | tail -n 1 >&2 || true
            return 0
        fi
        ((t % 60)) || say "$name: waiting for its search snapshot"
        sleep 0.5
    done
    die "bdp serve ($name) loaded no search snapshot in 300 s"
}

IDX_T0=$(date +%s.%N)
start_bdp bdp
BDP_PID=$STARTED_PID BASE=$STARTED_BASE

say "indexing: polling search_queue every second"
left=$QUEUED last_report=$SECONDS
while ((left > 0)); do
    sleep 1
    kill -0 "$BDP_PID" 2>/dev/null || {
        tail -n 20 "$WORK/bdp.log" >&2
        die "bdp serve exited while indexing"
    }
    left=$(q -c "SELECT count(*) FROM search_queue")
    if ((SECONDS - last_report >= 30)); then
        say "indexing: $left left"
        last_report=$SECONDS
    fi
done
IDX_T1=$(date +%s.%N)
IDX_SECONDS=$(awk -v a="$IDX_T0" -v b="$IDX_T1" 'BEGIN { printf "%.1f", b - a }')
IDX_RATE=$(awk -v n="$QUEUED" -v s="$IDX_SECONDS" 'BEGIN { printf "%.0f", n / s }')
IDX_BDP=$(grep -o 'search index: [^"]*' "$WORK/bdp.log" | tail -n 1 || true)
RSS_INDEXED=$(rss_kb "$BDP_PID")
say "indexed $QUEUED practices in ${IDX_SECONDS}s ($IDX_RATE/s); bdp VmRSS $(mb "$RSS_INDEXED") MB"
NOT_INDEXED=$(q -c "SELECT count(*) FROM practice_search WHERE vector IS NULL")
q -c "VACUUM ANALYZE" -c "CHECKPOINT"
wait_memory "$BASE" bdp
MEM_LINE=$(grep -o 'search in memory: [^"]*' "$WORK/bdp.log" | tail -n 1 || true)
RSS_MEMORY=$(rss_kb "$BDP_PID")

# A second bdp without the search answer cache, when this bdp has one: with
# a fixed mix every repeat would be a cache hit, and what the search itself
# costs would not show. The per-URL timings and the SQL capture use it.
if "$BDP_BIN" --help 2>&1 | grep -q -- '--search-cache-mb'; then
    CACHE_MB=$("$BDP_BIN" --help 2>&1 | awk '/--search-cache-mb/ {
        if (match($0, /default: [0-9]+/)) print substr($0, RSTART + 9, RLENGTH - 9) }')
    CACHE_MB=${BDP_SEARCH_CACHE_MB:-${CACHE_MB:-?}}
    start_bdp bdp-nocache BDP_SEARCH_CACHE_MB=0
    NC_PID=$STARTED_PID NC_BASE=$STARTED_BASE
    wait_memory "$NC_BASE" bdp-nocache
    say "bdp as shipped (search cache ${CACHE_MB} MB) on $BASE, without the cache on $NC_BASE"
else
    CACHE_MB=""
    NC_PID=$BDP_PID NC_BASE=$BASE
fi

# --- the mix ---------------------------------------------------------------------------
if [[ ! -s "$QUERIES" || -n "${BENCH_NEW_QUERIES:-}" ]]; then
    say "picking the query mix from the data into $QUERIES"
    python3 bench/search_bench.py queries "$DB_URL" "$QUERIES"
fi
NURLS=$(awk '!/^#/ && NF' "$QUERIES" | wc -l)
((NURLS > 0)) || die "$QUERIES holds no URL"
say "$NURLS URLs in $QUERIES"

# --- bdp's SQL, from PostgreSQL's statement log -----------------------------------------
say "capturing bdp's SQL for each URL"
LOGGING_ON=1
q -c "ALTER SYSTEM SET log_min_duration_statement = 0" \
    -c "ALTER SYSTEM SET log_line_prefix = '@@%p|%a|'" -c "SELECT pg_reload_conf()" >/dev/null
sleep 0.5
log_offset=$(stat -c %s "$PG_LOG")
python3 bench/search_bench.py capture "$NC_BASE" "$QUERIES" "$DB_URL"
sleep 0.5
q -c "ALTER SYSTEM RESET log_min_duration_statement" \
    -c "ALTER SYSTEM RESET log_line_prefix" -c "SELECT pg_reload_conf()" >/dev/null
LOGGING_ON=""
tail -c +$((log_offset + 1)) "$PG_LOG" >"$WORK/capture.log"
STMTS=$(python3 bench/search_bench.py pglog "$WORK/capture.log" "$QUERIES" "$WORK/sql")
say "statements per request: $STMTS"
PGB_FILES=()
for f in "$WORK"/sql/q*.sql; do PGB_FILES+=(-f "$f"); done

# --- load: wrk against bdp, pgbench against PostgreSQL -------------------------------------
# The settings of every bdp connection (DB_OPTIONS, include/bdp/db.h).
export PGOPTIONS="-c statement_timeout=30000 -c TimeZone=UTC -c client_min_messages=warning -c max_parallel_workers_per_gather=0 -c jit=off -c work_mem=32MB"
PGB_CONN=(-h 127.0.0.1 -p "$PG_PORT" -U postgres)

# CPU time (user + system) in clock ticks: of one process; of PostgreSQL
# (the postmaster, its live children, and the children it has reaped).
cpu_ticks() { sed 's/^.*) //' "/proc/$1/stat" | awk '{print $12 + $13}'; }
pg_ticks() {
    local t c
    t=$(sed 's/^.*) //' "/proc/$PG_MAIN_PID/stat" | awk '{print $12 + $13 + $14 + $15}')
    for c in $(ps -o pid= --ppid "$PG_MAIN_PID"); do
        [[ -r /proc/$c/stat ]] && t=$((t + $(cpu_ticks "$c" 2>/dev/null || echo 0)))
    done
    echo "$t"
}
CLK_TCK=$(getconf CLK_TCK)
# Busy ticks of the whole machine (all cores), to see how much of it the
# benchmark had: the rest is the client and whatever else runs.
busy_ticks() { awk '/^cpu / {print $2 + $3 + $4 + $7 + $8 + $9}' /proc/stat; }
share() { # TICKS SECONDS -> % of the machine's cores
    awk -v t="$1" -v s="$2" -v hz="$CLK_TCK" -v c="$(nproc)" \
        'BEGIN { if (s > 0) printf "%.0f", 100 * t / hz / s / c; else print "n/a" }'
}
per_req_ms() { # TICKS REQUESTS
    awk -v t="$1" -v n="$2" -v hz="$CLK_TCK" \
        'BEGIN { if (n > 0) printf "%.2f", t / hz * 1000 / n; else print "n/a" }'
}
to_ms() {
    awk -v v="$1" 'BEGIN {
        n = v + 0
        if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n *= 1; else if (v ~ /m$/) n *= 60000;
        else if (v ~ /s$/) n *= 1000
        printf "%.2f", n }'
}
run_wrk() { # BASE DURATION OUT
    BENCH_QUERIES=$QUERIES BENCH_WRK_THREADS=$WRK_T wrk -t"$WRK_T" -c"$CONNS" -d"$2" \
        --timeout 30s --latency -s bench/search-mix.lua "$1" >"$3" 2>&1 || {
        cat "$3" >&2
        die "wrk failed"
    }
}
parse_wrk() { # FILE -> "rps p50 p90 p99 max requests errors"
    local rps p50 p90 p99 max n non2xx sockerr
    rps=$(awk '/^Requests\/sec:/ {print $2}' "$1")
    p50=$(awk '$1 == "50%" {print $2}' "$1")
    p90=$(awk '$1 == "90%" {print $2}' "$1")
    p99=$(awk '$1 == "99%" {print $2}' "$1")
    max=$(awk '$1 == "Latency" && NF >= 4 {print $4; exit}' "$1")
    n=$(awk '/requests in/ {print $1}' "$1")
    non2xx=$(awk '/Non-2xx or 3xx responses:/ {print $NF}' "$1")
    sockerr=$(awk '/Socket errors:/ {s = 0; for (i = 4; i <= NF; i += 2) s += $i; print s}' "$1" | tr -d ',')
    echo "${rps:-0} $(to_ms "${p50:-0}") $(to_ms "${p90:-0}") $(to_ms "${p99:-0}")" \
        "$(to_ms "${max:-0}") ${n:-0} $((${non2xx:-0} + ${sockerr:-0}))"
}
run_pgbench() { # DURATION_S NAME -> "tps p50 p90 p99 max n"
    mkdir -p "$WORK/pgb-$2"
    (cd "$WORK/pgb-$2" &&
        "$PGBENCH" -n -c "$CONNS" -j "$WRK_T" -T "$1" -l --log-prefix=tx "${PGB_FILES[@]}" \
            "${PGB_CONN[@]}" bdp >out.txt 2>&1) || {
        cat "$WORK/pgb-$2/out.txt" >&2
        die "pgbench failed"
    }
    python3 bench/search_bench.py pgbench-log "$WORK/pgb-$2/per-script.tsv" "$WORK/pgb-$2/tx"
}
secs() { echo "${1%s}"; }

# One measured run: a markdown row in $WORK/rows.md and "rps p50 p99" in
# $WORK/stats-KIND.txt. measure_bdp KIND LABEL BASE PID R; measure_pg R.
measure_bdp() {
    local kind=$1 label=$2 base=$3 pid=$4 r=$5 b0 b1 p0 p1 m0 m1 s0 s1 el
    local rps p50 p90 p99 max n err
    say "round $r/$ROUNDS: $label (wrk -t$WRK_T -c$CONNS -d$DURATION)"
    b0=$(cpu_ticks "$pid") p0=$(pg_ticks) m0=$(busy_ticks) s0=$(date +%s.%N)
    run_wrk "$base" "$DURATION" "$WORK/wrk-$kind-$r.txt"
    b1=$(cpu_ticks "$pid") p1=$(pg_ticks) m1=$(busy_ticks) s1=$(date +%s.%N)
    el=$(awk -v a="$s0" -v b="$s1" 'BEGIN { print b - a }')
    read -r rps p50 p90 p99 max n err < <(parse_wrk "$WORK/wrk-$kind-$r.txt")
    echo "$rps $p50 $p99" >>"$WORK/stats-$kind.txt"
    echo "| $label $r | $rps | $p50 | $p90 | $p99 | $max | $n | $err |" \
        "$(per_req_ms $((b1 - b0)) "$n") | $(per_req_ms $((p1 - p0)) "$n") |" \
        "$(share $((m1 - m0)) "$el")% busy: bdp $(share $((b1 - b0)) "$el")%," \
        "PostgreSQL $(share $((p1 - p0)) "$el")%, rest $(share $((m1 - m0 - b1 + b0 - p1 + p0)) "$el")% |" \
        >>"$WORK/rows.md"
}
measure_pg() {
    local r=$1 p0 p1 m0 m1 s0 s1 el tps p50 p90 p99 max n err
    say "round $r/$ROUNDS: PostgreSQL alone (pgbench -c$CONNS -j$WRK_T -T$(secs "$DURATION"))"
    p0=$(pg_ticks) m0=$(busy_ticks) s0=$(date +%s.%N)
    read -r tps p50 p90 p99 max n < <(run_pgbench "$(secs "$DURATION")" "$r")
    p1=$(pg_ticks) m1=$(busy_ticks) s1=$(date +%s.%N)
    [[ -n "$tps" ]] || die "pgbench run $r gave no figures (see $WORK/pgb-$r)"
    el=$(awk -v a="$s0" -v b="$s1" 'BEGIN { print b - a }')
    err=$(awk -F': *' '/failed transactions/ {split($2, a, " "); print a[1]; exit}' \
        "$WORK/pgb-$r/out.txt")
    echo "$tps $p50 $p99" >>"$WORK/stats-pg.txt"
    echo "| PostgreSQL alone (pgbench -c$CONNS) $r | $tps | $p50 | $p90 | $p99 | $max | $n |" \
        "${err:-0} | | $(per_req_ms $((p1 - p0)) "$n") |" \
        "$(share $((m1 - m0)) "$el")% busy: PostgreSQL $(share $((p1 - p0)) "$el")%," \
        "rest $(share $((m1 - m0 - p1 + p0)) "$el")% |" >>"$WORK/rows.md"
}

say "warming up: wrk 10s against each bdp, pgbench 10s"
run_wrk "$BASE" 10s "$WORK/wrk-warm.txt"
[[ "$NC_PID" == "$BDP_PID" ]] || run_wrk "$NC_BASE" 10s "$WORK/wrk-warm-nocache.txt"
run_pgbench 10 warm >/dev/null

if [[ -n "$CACHE_MB" ]]; then
    LABEL_A="bdp as shipped (cache ${CACHE_MB} MB)" LABEL_B="bdp, BDP_SEARCH_CACHE_MB=0"
else
    LABEL_A="bdp" LABEL_B=""
fi
: >"$WORK/rows.md"
for r in $(seq 1 "$ROUNDS"); do
    measure_bdp shipped "$LABEL_A" "$BASE" "$BDP_PID" "$r"
    [[ -z "$LABEL_B" ]] || measure_bdp nocache "$LABEL_B" "$NC_BASE" "$NC_PID" "$r"
    measure_pg "$r"
done
XCACHE=$(curl -sS -D - -o /dev/null "$BASE$(awk '!/^#/ && NF {print; exit}' "$QUERIES")" |
    tr -d '\r' | awk -F': ' 'tolower($1) == "x-cache" {print $2}')
RSS_AFTER_LOAD=$(rss_kb "$BDP_PID")

# --- every URL alone ---------------------------------------------------------------------
say "each URL alone: bdp (no cache), up to $REPS timed requests each"
python3 bench/search_bench.py sequential "$NC_BASE" "$QUERIES" "$REPS" "$WORK/seq.tsv"
say "each URL alone: PostgreSQL (pgbench -c1, as many transactions as bdp's + 1)"
mkdir -p "$WORK/pgseq"
seq_logs=()
while IFS=$'\t' read -r n _ _ _ _ _ _ _ _ reps; do
    f=$(printf '%s/sql/q%02d.sql' "$WORK" "$n")
    (cd "$WORK/pgseq" && "$PGBENCH" -n -c 1 -t $((reps + 1)) -l --log-prefix="q$n" -f "$f" \
        "${PGB_CONN[@]}" bdp >"q$n.out" 2>&1) || {
        cat "$WORK/pgseq/q$n.out" >&2
        die "pgbench failed for $f"
    }
    logs=("$WORK/pgseq/q$n".[0-9]*)
    seq_logs+=("${logs[0]}")
done <"$WORK/seq.tsv"
python3 bench/search_bench.py pgbench-seq "$WORK/pgseq.tsv" "${seq_logs[@]}"

# The plans of the slowest URL's statements (bdp idle).
SLOWEST=$(awk -F'\t' '$3 + 0 > m || NR == 1 {m = $3 + 0; n = $1} END {print n}' "$WORK/seq.tsv")
{
    f=$(printf '%s/sql/q%02d.sql' "$WORK" "$SLOWEST")
    head -n 1 "$f"
    # The request's statements in order (its BEGIN and SET LOCALs too), the
    # searches themselves under EXPLAIN.
    grep -v '^--' "$f" | awk '
        /^(WITH|SELECT)/ && !/^SELECT (search_query|id FROM category)/ {
            print "EXPLAIN (ANALYZE, BUFFERS) " $0; next }
        { print }' >"$WORK/explain.sql"
    psql -X -q -v ON_ERROR_STOP=1 "$DB_URL" -f "$WORK/explain.sql"
} >"$WORK/explain-slowest.txt" 2>&1 || true

# --- export and resident memory ----------------------------------------------------------
sleep 2
say "export: text/csv"
read -r CSV_BASE CSV_PEAK CSV_END CSV_LINES CSV_BYTES CSV_SECS CSV_SAMPLES CSV_STATUS < <(
    python3 bench/search_bench.py rss "$BDP_PID" "$BASE/v1/practices" text/csv "$WORK/export.csv")
CSV_RECORDS=$(python3 -c '
import csv, sys
csv.field_size_limit(1 << 30)
with open(sys.argv[1], newline="", encoding="utf-8") as f:
    print(sum(1 for _ in csv.reader(f)))' "$WORK/export.csv")
sleep 2
say "export: application/x-ndjson"
read -r NDJ_BASE NDJ_PEAK NDJ_END NDJ_LINES NDJ_BYTES NDJ_SECS NDJ_SAMPLES NDJ_STATUS < <(
    python3 bench/search_bench.py rss "$BDP_PID" "$BASE/v1/practices" application/x-ndjson \
        "$WORK/export.ndjson")
HWM=$(awk '/^VmHWM:/ {print $2}' "/proc/$BDP_PID/status")

# --- report ---------------------------------------------------------------------------------
col_median() { # FILE COLUMN
    awk -v c="$2" '{print $c}' "$1" | sort -g | awk '{a[NR] = $1} END {
        if (NR % 2) print a[(NR + 1) / 2]; else printf "%.2f\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}
col_max() { awk -v c="$2" 'NR == 1 || $c + 0 > m {m = $c + 0} END {print m}' "$1"; }
summary() { # KIND LABEL
    echo "$2: $(col_median "$WORK/stats-$1.txt" 1) req/s, p50 $(col_median "$WORK/stats-$1.txt" 2) ms," \
        "p99 $(col_median "$WORK/stats-$1.txt" 3) ms"
}
verdicts() { # KIND LABEL
    local p50 p99
    p50=$(col_max "$WORK/stats-$1.txt" 2)
    p99=$(col_max "$WORK/stats-$1.txt" 3)
    echo "- $2: p50 <= 15 ms in every run: $(awk -v p="$p50" 'BEGIN { print (p <= 15) ? "yes" : "NO" }')" \
        "(worst $p50 ms); p99 <= 100 ms in every run:" \
        "$(awk -v p="$p99" 'BEGIN { print (p <= 100) ? "yes" : "NO" }') (worst $p99 ms)"
}

echo
echo "## GET /v1/practices (issue 3), $(date -u +%Y-%m-%d), $(nproc) cores"
echo
echo "bdp $BUILD_ID, built at $BUILD_TIME; load average at start: $LOAD_AVG."
echo "$PRACTICES practices ($PUBLISHED published), $UNITS units: scripts/generate --seed $SEED;" \
    "loaded in ${LOAD_SECONDS} s, practice_search synced and queued in ${SYNC_SECONDS} s."
echo
echo "### Indexing"
echo
echo "From \`bdp serve\` starting until search_queue was empty: **$QUEUED practices in" \
    "${IDX_SECONDS} s, $IDX_RATE practices/s** (bdp's log: \"${IDX_BDP:-nothing}\";" \
    "practices left without a vector: $NOT_INDEXED). bdp VmRSS after indexing: $(mb "$RSS_INDEXED") MB."
echo
if [[ -n "${MEM_LINE:-}" ]]; then
    echo "Search in memory, once indexing stopped: bdp's log: \"$MEM_LINE\"; bdp VmRSS then:" \
        "$(mb "$RSS_MEMORY") MB."
    echo
fi
echo "### The mix at $CONNS connections"
echo
echo "$NURLS URLs of \`$QUERIES\`, each thread of wrk cycling through them from its own offset;" \
    "pgbench: one script per URL with the statements bdp sent for it (statements per request:" \
    "$(echo "$STMTS" | tr ' ' '\n' | sort -n | uniq -c | awk '{printf "%s%s x %s", (NR > 1 ? ", " : ""), $1, $2}')), each script" \
    "equally likely; latency percentiles of pgbench from its per-transaction log, without each" \
    "client's first transaction. Warm-up: 10 s of each, not counted."
if [[ -n "$LABEL_B" ]]; then
    echo "After the runs, $LABEL_A answered the mix's first URL with X-Cache: ${XCACHE:-none}."
fi
echo
echo "| run | req/s | p50 ms | p90 ms | p99 ms | max ms | requests | errors | bdp CPU ms/req | PostgreSQL CPU ms/req | machine during the run |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
cat "$WORK/rows.md"
echo
line="Medians of the runs: $(summary shipped "$LABEL_A"); "
if [[ -n "$LABEL_B" ]]; then
    line+="$(summary nocache "$LABEL_B"); "
fi
line+="$(summary pg "PostgreSQL alone" | sed 's/req\/s/tps/')."
echo "$line"
echo
echo "### Each URL alone"
echo
echo "${LABEL_B:-bdp}: one request at a time, median of up to $REPS (at least 5) after one untimed;" \
    "PostgreSQL: the same URL's script with pgbench -c1, as many transactions, median." \
    "The 10 slowest in bdp:"
echo
python3 bench/search_bench.py slowest "$WORK/seq.tsv" "$WORK/pgseq.tsv" 10
echo
awk -F'\t' '{print $3}' "$WORK/seq.tsv" | sort -g | awk '{a[NR] = $1} END {
    printf "Medians of the %d URLs alone: fastest %.1f ms, median %.1f ms, slowest %.1f ms;", NR, a[1], a[int((NR + 1) / 2)], a[NR] }'
awk -F'\t' '$3 > 100 {n++} $3 > 15 {m++} END {printf " %d above 15 ms, %d above 100 ms.\n", m, n}' "$WORK/seq.tsv"
awk -F'\t' '{b += $3} END {printf "Sum of the medians: bdp %.0f ms", b}' "$WORK/seq.tsv"
awk -F'\t' '{p += $2} END {printf ", PostgreSQL %.0f ms.\n", p}' "$WORK/pgseq.tsv"
echo
echo "Plans of the slowest URL's statements (EXPLAIN ANALYZE, bdp idle; scans and totals):"
echo
echo '```'
grep -E '^-- /|Scan on|Scan using|Rows Removed|Execution Time' "$WORK/explain-slowest.txt" |
    sed -E 's/ \(cost=[^)]*\)//; s/^ +(->  )?/  /' | cut -c1-160 | awk 'NR <= 30'
echo '```'
echo
echo "### Export"
echo
echo "$LABEL_A, idle (VmRSS after the runs: $(mb "$RSS_AFTER_LOAD") MB):"
echo
echo "| Accept | status | seconds | bytes | lines | VmRSS before MB | peak MB | growth MB | after MB |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
echo "| text/csv | $CSV_STATUS | $CSV_SECS | $CSV_BYTES | $CSV_LINES ($CSV_RECORDS CSV records) | $(mb "$CSV_BASE") | $(mb "$CSV_PEAK") | $(mb $((CSV_PEAK - CSV_BASE))) | $(mb "$CSV_END") |"
echo "| application/x-ndjson | $NDJ_STATUS | $NDJ_SECS | $NDJ_BYTES | $NDJ_LINES | $(mb "$NDJ_BASE") | $(mb "$NDJ_PEAK") | $(mb $((NDJ_PEAK - NDJ_BASE))) | $(mb "$NDJ_END") |"
echo
echo "Expected: $((PUBLISHED + 1)) CSV records (header + $PUBLISHED published practices)," \
    "$PUBLISHED NDJSON lines. VmRSS sampled every 50 ms; bdp's VmHWM at the end: $(mb "$HWM") MB."
echo
growth=$(((CSV_PEAK - CSV_BASE) > (NDJ_PEAK - NDJ_BASE) ? CSV_PEAK - CSV_BASE : NDJ_PEAK - NDJ_BASE))
verdicts shipped "$LABEL_A"
[[ -z "$LABEL_B" ]] || verdicts nocache "$LABEL_B"
echo "- export grows VmRSS by < 20 MB: $( ((growth < 20 * 1024)) && echo yes || echo NO) ($(mb "$growth") MB)"
echo "- CSV has every published practice: $( ((CSV_RECORDS == PUBLISHED + 1)) && echo yes || echo NO)"
echo
echo "Total time $((SECONDS - T0)) s."
if [[ -n "${BENCH_KEEP:-}" ]]; then
    echo "Outputs in $WORK"
fi
