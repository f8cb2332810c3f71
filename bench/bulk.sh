#!/usr/bin/env bash
# Bulk uploads (issue 4), in one session on one throwaway PostgreSQL:
#
#   1. POST /v1/bulk/practices with 100,000 generated practices as NDJSON
#      (curl -T streams the file; atomic mode, the default): records/s end
#      to end, bdp's VmRSS sampled every 100 ms, CPU of bdp and PostgreSQL;
#   2. the time until all of them are searchable (search_queue empty after
#      the upload's commit) and a few found by q;
#   3. the same file again: every record unchanged;
#   4. the reference: PostgreSQL alone COPYing the same rows (prepared as
#      CSV beforehand), into a bare table LIKE practice and into the real
#      practice (+ practice_category) table of a migrated scratch database;
#      and bench/load-ndjson.sh on a fresh database;
#   5. the 100,000 again into a fresh database (a second figure for the
#      same work; bdp is stopped after the answer);
#   6. 500,000 practices (partial mode) into a fresh database: bdp's peak
#      VmRSS (the upload's answer, then bdp is stopped: the 500k are not
#      indexed). The file is over the default BDP_MAX_BULK_BYTES (1 GiB):
#      the script records the 413 of the default, then raises the limit.
#
#   bench/bulk.sh
#
# Builds a release bdp in build-bulkbench/, starts PostgreSQL with scripts/pg
# on a free port, generates the data with scripts/generate (cached in
# /tmp/bdp-bench-data/, keyed by seed, count and the generator's sha256). Before each timed phase it
# waits (up to 20 minutes) while another benchmark's bdp (build-bench/bdp)
# runs, and it reports how much CPU processes other than its own took during
# each phase. Helpers: bench/bulk_bench.py. Prints a markdown report;
# everything it started is stopped and removed on exit. See bench/RESULTS.md,
# "Bulk uploads (issue 4)". About 15-30 minutes.
#
# Environment (all optional):
#   BDP_BIN           the bdp binary (default build-bulkbench/bdp)
#   BENCH_PRACTICES   practices of the main upload (100000)
#   BENCH_BIG         practices of the memory run (500000; 0 skips it)
#   BENCH_BIG_MODE    mode of the memory run (partial)
#   BENCH_SEED        scripts/generate --seed (1)
#   BENCH_KEEP=1      keep the work directory (logs, answers, RSS samples)
#                     and the database (stopped)
#   BENCH_KEEP_LOGS=1 keep the work directory but remove the database
#   BENCH_NO_WAIT=1   do not wait for other benchmarks
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

N=${BENCH_PRACTICES:-100000}
BIG=${BENCH_BIG:-500000}
BIG_MODE=${BENCH_BIG_MODE:-partial}
SEED=${BENCH_SEED:-1}
DATA_DIR=/tmp/bdp-bench-data
BUILD=build-bulkbench

say() { printf 'bulk: %s\n' "$*" >&2; }
die() {
    say "$*"
    exit 1
}
. "$ROOT/bench/lib.sh"

for tool in curl psql python3 awk meson ninja; do
    command -v "$tool" >/dev/null 2>&1 || die "$tool is missing (scripts/install-deps)"
done

# --- measuring ------------------------------------------------------------------------
CLK_TCK=$(getconf CLK_TCK)
cpu_ticks() { sed 's/^.*) //' "/proc/$1/stat" | awk '{print $12 + $13}'; }
# PostgreSQL: the postmaster, its live children, and the children it reaped.
pg_ticks() {
    local t c
    t=$(sed 's/^.*) //' "/proc/$PG_MAIN_PID/stat" | awk '{print $12 + $13 + $14 + $15}')
    for c in $(ps -o pid= --ppid "$PG_MAIN_PID"); do
        [[ -r /proc/$c/stat ]] && t=$((t + $(cpu_ticks "$c" 2>/dev/null || echo 0)))
    done
    echo "$t"
}
# Busy ticks of the whole machine (all cores).
sys_busy() { awk '/^cpu / {print $2 + $3 + $4 + $7 + $8 + $9}' /proc/stat; }
now() { date +%s.%N; }
sub() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
rate() { awk -v n="$1" -v s="$2" 'BEGIN { if (s > 0) printf "%.0f", n / s; else print "n/a" }'; }
pct_core() { awk -v t="$1" -v s="$2" -v hz="$CLK_TCK" 'BEGIN { if (s > 0) printf "%.0f", 100 * t / hz / s; else print "n/a" }'; }
mb() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
hwm_kb() { awk '/^VmHWM:/ {print $2}' "/proc/$1/status"; }

# --- waiting for the machine -------------------------------------------------
# Another helper's benchmark (bench/search.sh, bench/get-by-id.sh) runs
# build-bench/bdp: wait until it is gone, polling every 10 s, 20 minutes at
# most. The notes end up in the report.
declare -a NOTES
wait_idle() { # PHASE
    local waited=0
    if [[ -n "${BENCH_NO_WAIT:-}" ]]; then
        NOTES+=("$1: did not wait (BENCH_NO_WAIT); load average $(cut -d' ' -f1-3 /proc/loadavg)")
        return 0
    fi
    while pgrep -f build-bench/bdp >/dev/null; do
        if ((waited == 0)); then
            say "$1: waiting for another benchmark (build-bench/bdp) to finish"
        fi
        if ((waited >= 1200)); then
            say "$1: still running after 20 minutes; going on"
            NOTES+=("$1: build-bench/bdp still running after 20 min of waiting: NOT idle")
            return 0
        fi
        sleep 10
        waited=$((waited + 10))
    done
    # Then until the whole machine is quiet: less than 25% of one core busy
    # over 5 s (this script's bdp and PostgreSQL are idle in between), with
    # the same 20-minute bound.
    local busy b0 b1 w2=0
    while :; do
        b0=$(sys_busy)
        sleep 5
        b1=$(sys_busy)
        busy=$(pct_core $((b1 - b0)) 5)
        if ((busy < 25)) && ! pgrep -f build-bench/bdp >/dev/null; then break; fi
        if ((waited + w2 >= 1200)); then
            say "$1: machine still busy ($busy% of a core) after 20 minutes; going on"
            break
        fi
        if ((w2 == 0)); then say "$1: machine busy ($busy% of a core): waiting"; fi
        sleep 5
        w2=$((w2 + 10))
    done
    NOTES+=("$1: waited ${waited} + ${w2} s (5 s before: $busy% of one core busy; load average $(cut -d' ' -f1-3 /proc/loadavg))")
}

# --- bdp --------------------------------------------------------------------
wait_idle build
bench_build "$BUILD"
# What was built (the tree may change while this runs).
BUILT="$(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet HEAD -- src include migrations meson.build 2>/dev/null || echo ' + working tree')"
BUILT_SHA="src/bulk.c $(sha256sum src/bulk.c | cut -c1-12), migrations/0005_create_bulk.sql $(sha256sum migrations/0005_create_bulk.sql | cut -c1-12), src/indexer.c $(sha256sum src/indexer.c | cut -c1-12)"
GEN=$(sha256sum scripts/generate | cut -c1-10)

# --- work directory and teardown ----------------------------------------------
WORK=$(mktemp -d /tmp/bdp-bench-bulk.XXXXXX)
chmod 755 "$WORK"
PGDIR=$WORK/pg
BDP_PID="" PG_STARTED="" SAMPLER_PID=""

stop_bdp() {
    if [[ -n "$BDP_PID" ]] && kill "$BDP_PID" 2>/dev/null; then
        wait "$BDP_PID" 2>/dev/null || true
    fi
    BDP_PID=""
}
cleanup() {
    local rc=$?
    set +e
    if [[ -n "$SAMPLER_PID" ]]; then kill "$SAMPLER_PID" 2>/dev/null; fi
    stop_bdp
    if [[ -n "$PG_STARTED" ]]; then
        bench_pg_remove "$PGDIR"
    fi
    if [[ -n "${BENCH_KEEP:-}${BENCH_KEEP_LOGS:-}" ]]; then
        say "kept $WORK"
    else
        rm -rf "$WORK"
    fi
    exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

T0=$SECONDS

# --- data -----------------------------------------------------------------------
mkdir -p "$DATA_DIR"
UNITS_FILE=$DATA_DIR/units-s$SEED-g$GEN.ndjson
gen_practices() { # COUNT -> file name
    local f=$DATA_DIR/practices-s$SEED-n$1-g$GEN.ndjson
    if [[ ! -s "$f" ]]; then
        say "generating $1 practices (seed $SEED)"
        scripts/generate practices --count "$1" --seed "$SEED" >"$f.tmp.$$"
        mv "$f.tmp.$$" "$f"
    fi
    echo "$f"
}
if [[ ! -s "$UNITS_FILE" ]]; then
    scripts/generate units --seed "$SEED" >"$UNITS_FILE.tmp.$$"
    mv "$UNITS_FILE.tmp.$$" "$UNITS_FILE"
fi
PRACTICES_FILE=$(gen_practices "$N")
FILE_BYTES=$(stat -c %s "$PRACTICES_FILE")
FILE_LINES=$(wc -l <"$PRACTICES_FILE")
[[ "$FILE_LINES" == "$N" ]] || die "$PRACTICES_FILE has $FILE_LINES lines, not $N"

# --- PostgreSQL ------------------------------------------------------------------------
PG_PORT=$(scripts/pg free-port)
say "PostgreSQL on port $PG_PORT"
PG_STARTED=1
scripts/pg start "$PGDIR" "$PG_PORT" >/dev/null
DB_URL=$(scripts/pg url "$PGDIR" "$PG_PORT")
PG_HOME=$(cat "$PGDIR/pg-home" 2>/dev/null || echo "$PGDIR")
PG_MAIN_PID=$(head -n 1 "$PG_HOME/data/postmaster.pid")
db_url() { echo "${DB_URL%/bdp}/$1"; }
q() { psql -X -q -At -v ON_ERROR_STOP=1 "$DB_URL" "$@"; }
qdb() { # DB ARGS...
    local d=$1
    shift
    psql -X -q -At -v ON_ERROR_STOP=1 "$(db_url "$d")" "$@"
}
PG_VERSION=$(q -c "SHOW server_version")
PG_SETTINGS=$(q -c "SELECT string_agg(name || '=' || setting || coalesce(unit, ''), ', ' ORDER BY name)
    FROM pg_settings WHERE name IN ('shared_buffers', 'work_mem', 'max_wal_size', 'fsync',
    'synchronous_commit', 'full_page_writes', 'wal_level')")

# A migrated database with an editor key and bdp serving it: DB [BDP env...]
BDP_PORT="" BASE="" KEY=""
start_bdp() {
    local db=$1 url
    shift
    url=$(db_url "$db")
    if [[ "$db" != bdp ]]; then q -c "CREATE DATABASE $db"; fi
    BDP_DATABASE_URL=$url "$BDP_BIN" migrate >"$WORK/migrate-$db.log" 2>&1 ||
        {
            cat "$WORK/migrate-$db.log" >&2
            die "bdp migrate ($db) failed"
        }
    KEY=$(BDP_DATABASE_URL=$url "$BDP_BIN" key create --name bench --role editor)
    BDP_PORT=$(scripts/pg free-port)
    BASE=http://127.0.0.1:$BDP_PORT
    env "$@" BDP_DATABASE_URL="$url" BDP_LISTEN="127.0.0.1:$BDP_PORT" "$BDP_BIN" serve \
        >"$WORK/bdp-$db.stdout" 2>"$WORK/bdp-$db.log" &
    BDP_PID=$!
    for _ in $(seq 1 100); do
        curl -fsS -o /dev/null "$BASE/healthz" 2>/dev/null && break
        kill -0 "$BDP_PID" 2>/dev/null || {
            tail -n 20 "$WORK/bdp-$db.log" >&2
            die "bdp serve exited at startup"
        }
        sleep 0.1
    done
    curl -fsS -o /dev/null "$BASE/healthz" || die "bdp serve does not answer $BASE/healthz"
    local code
    code=$(curl -sS -o "$WORK/units-$db.answer" -w '%{http_code}' \
        -H "Authorization: Bearer $KEY" -H 'Content-Type: application/x-ndjson' \
        --data-binary @"$UNITS_FILE" "$BASE/v1/bulk/units")
    [[ "$code" == 200 ]] || die "units upload answered $code: $(head -c 500 "$WORK/units-$db.answer")"
    say "$db: units: $(cat "$WORK/units-$db.answer")"
}

# One timed upload of FILE to /v1/bulk/practices?QUERY, VmRSS sampled every
# 100 ms until 1 s after the answer. Sets U_CODE U_SECS U_RATE U_BASE U_PEAK
# (all samples) U_PEAK_UPLOAD (before the answer) U_SAMPLES U_BDP U_PG U_CURL
# U_OTHER (CPU as % of one core over the upload) U_ANSWER U_FIFTHS (time to
# read each fifth of the body).
upload() { # NAME FILE QUERY RECORDS
    local name=$1 file=$2 query=$3 records=$4 b0 p0 s0 t0 t1 b1 p1 s1 curl_ticks
    rm -f "$WORK/$name.curl-pid"
    python3 bench/bulk_bench.py rss "$BDP_PID" "$WORK/$name.rss.tsv" "$WORK/$name.curl-pid" \
        >"$WORK/$name.rss" &
    SAMPLER_PID=$!
    sleep 0.5
    b0=$(cpu_ticks "$BDP_PID") p0=$(pg_ticks) s0=$(sys_busy)
    t0=$(now)
    (
        curl -sS -o "$WORK/$name.answer" -w '%{http_code} %{time_total} %{size_upload}\n' \
            -H "Authorization: Bearer $KEY" -H 'Content-Type: application/x-ndjson' \
            -T "$file" -X POST "$BASE/v1/bulk/practices$query" >"$WORK/$name.curl" &
        echo $! >"$WORK/$name.curl-pid"
        wait $! || true
        times >"$WORK/$name.times"
    )
    t1=$(now)
    kill -USR1 "$SAMPLER_PID"
    b1=$(cpu_ticks "$BDP_PID") p1=$(pg_ticks) s1=$(sys_busy)
    sleep 1
    kill -TERM "$SAMPLER_PID"
    wait "$SAMPLER_PID" || true
    SAMPLER_PID=""
    read -r U_CODE _ _ <"$WORK/$name.curl"
    U_SECS=$(sub "$t0" "$t1")
    U_RATE=$(rate "$records" "$U_SECS")
    read -r U_BASE U_PEAK _ U_SAMPLES U_PEAK_UPLOAD <"$WORK/$name.rss"
    U_FIFTHS=$(python3 bench/bulk_bench.py progress "$WORK/$name.rss.tsv" "$(stat -c %s "$file")" "$records")
    # `times`, second line: the subshell's children (curl), user and system.
    curl_ticks=$(sed -n 2p "$WORK/$name.times" | awk -v hz="$CLK_TCK" '{
        n = 0
        for (i = 1; i <= 2; i++) { split($i, a, "m"); sub("s", "", a[2]); n += a[1] * 60 + a[2] }
        printf "%.0f", n * hz }')
    U_BDP=$(pct_core $((b1 - b0)) "$U_SECS")
    U_PG=$(pct_core $((p1 - p0)) "$U_SECS")
    U_CURL=$(pct_core "$curl_ticks" "$U_SECS")
    U_OTHER=$(pct_core $((s1 - s0 - (b1 - b0) - (p1 - p0) - curl_ticks)) "$U_SECS")
    U_ANSWER=$(head -c 600 "$WORK/$name.answer")
    say "$name: HTTP $U_CODE in ${U_SECS}s ($U_RATE records/s): $U_ANSWER"
    say "$name: VmRSS $(mb "$U_BASE") MB before, peak $(mb "$U_PEAK_UPLOAD") MB until the answer," \
        "$(mb "$U_PEAK") MB up to 1 s after ($U_SAMPLES samples);" \
        "CPU (% of one core): bdp $U_BDP, PostgreSQL $U_PG, curl $U_CURL, others $U_OTHER"
    say "$name: each fifth of the body: $U_FIFTHS"
}
# Appends the last upload's row to the report's table: LABEL
row() {
    local counts
    counts=$(python3 -c 'import json, sys
try:
    a = json.load(open(sys.argv[1]))
    print(", ".join(f"{k} {a.get(k)}" for k in ("received", "created", "updated", "unchanged", "failed")))
except Exception:
    print(open(sys.argv[1]).read(300).replace("|", "/"))' "$WORK/$2.answer")
    echo "| $1 | $U_CODE | $U_SECS | **$U_RATE** | $counts | $(mb "$U_BASE") / **$(mb "$U_PEAK_UPLOAD")** / $(mb "$U_PEAK") | $U_BDP / $U_PG / $U_CURL / $U_OTHER | $U_FIFTHS |" >>"$WORK/rows.md"
}
answer_field() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get(sys.argv[2]))' "$1" "$2"; }
settle() { q -c "VACUUM (ANALYZE)" -c "CHECKPOINT"; }

# --- 1. the upload -------------------------------------------------------------------
start_bdp bdp
sleep 1
RSS_IDLE=$(rss_kb "$BDP_PID")
settle
wait_idle "upload ($N, create)"
say "uploading $N practices ($FILE_BYTES bytes)"
upload create "$PRACTICES_FILE" "" "$N"
C_END=$(now)
row "$N new (atomic)" create
C_CODE=$U_CODE C_SECS=$U_SECS C_RATE=$U_RATE C_ANSWER=$U_ANSWER
[[ "$C_CODE" == 200 ]] || die "the upload answered $C_CODE: $C_ANSWER"
C_CREATED=$(answer_field "$WORK/create.answer" created)
C_FAILED=$(answer_field "$WORK/create.answer" failed)
[[ "$C_CREATED" == "$N" && "$C_FAILED" == 0 ]] || say "WARNING: created $C_CREATED, failed $C_FAILED"

# --- 2. searchable ----------------------------------------------------------------------
say "indexing: polling search_queue every 0.5 s"
i_b0=$(cpu_ticks "$BDP_PID") i_p0=$(pg_ticks) i_s0=$(sys_busy)
QUEUED_AT_ANSWER=$(q -c "SELECT count(*) FROM search_queue")
left=$QUEUED_AT_ANSWER last=$SECONDS
while ((left > 0)); do
    sleep 0.5
    kill -0 "$BDP_PID" 2>/dev/null || die "bdp serve exited while indexing"
    left=$(q -c "SELECT count(*) FROM search_queue")
    if ((SECONDS - last >= 30)); then
        say "indexing: $left left"
        last=$SECONDS
    fi
done
I_END=$(now)
i_b1=$(cpu_ticks "$BDP_PID") i_p1=$(pg_ticks) i_s1=$(sys_busy)
I_SECS=$(sub "$C_END" "$I_END")
I_RATE=$(rate "$N" "$I_SECS")
I_BDP=$(pct_core $((i_b1 - i_b0)) "$I_SECS")
I_PG=$(pct_core $((i_p1 - i_p0)) "$I_SECS")
I_OTHER=$(pct_core $((i_s1 - i_s0 - (i_b1 - i_b0) - (i_p1 - i_p0))) "$I_SECS")
RSS_AFTER_INDEX=$(rss_kb "$BDP_PID")
NO_VECTOR=$(q -c "SELECT count(*) FROM practice_search WHERE vector IS NULL")
INDEX_LOG=$(grep -o 'search index: [0-9]* practices indexed in [0-9.]* s' "$WORK/bdp-bdp.log" | tail -n 1 || true)
say "searchable: queue empty ${I_SECS}s after the answer ($I_RATE practices/s); $NO_VECTOR without a vector; bdp log: $INDEX_LOG"
q -F $'\t' -c "SELECT id, title FROM practice WHERE status = 'published' ORDER BY random() LIMIT 5" \
    >"$WORK/search-ids.tsv"
SEARCH_OUT=$(python3 bench/bulk_bench.py search "$BASE" "$KEY" "$WORK/search-ids.tsv")
say "$SEARCH_OUT"
read -r DB_PRACTICES DB_PC DB_CHANGES DB_SEARCH < <(q -F ' ' -c "
    SELECT (SELECT count(*) FROM practice), (SELECT count(*) FROM practice_category),
           (SELECT count(*) FROM change), (SELECT count(*) FROM practice_search)")
DB_SIZE=$(q -c "SELECT pg_size_pretty(pg_database_size('bdp'))")

# --- 3. the same file again ---------------------------------------------------------------
settle
wait_idle "upload ($N, unchanged)"
say "uploading the same $N practices again"
upload unchanged "$PRACTICES_FILE" "" "$N"
row "the same file again (atomic)" unchanged
R_RATE=$U_RATE
R_UNCHANGED=$(answer_field "$WORK/unchanged.answer" unchanged 2>/dev/null || echo '?')
[[ "$R_UNCHANGED" == "$N" ]] || say "WARNING: the second upload left $R_UNCHANGED unchanged, not $N"
QUEUED_AFTER_UNCHANGED=$(q -c "SELECT count(*) FROM search_queue")
HWM_MAIN=$(hwm_kb "$BDP_PID")

# --- 4. the reference: PostgreSQL alone ------------------------------------------------------
say "reference: preparing CSV (not timed)"
q -F $'\t' -c "SELECT coalesce(teryt, ''), type, name, coalesce(voivodeship, ''), id FROM unit" \
    >"$WORK/units.tsv"
q -F $'\t' -c "SELECT slug, id FROM category" >"$WORK/categories.tsv"
read -r CSV_ROWS CSV_PC < <(python3 bench/bulk_bench.py csv "$WORK/units.tsv" "$WORK/categories.tsv" \
    "$PRACTICES_FILE" "$WORK/practice.csv" "$WORK/pc.csv")
CSV_BYTES=$(stat -c %s "$WORK/practice.csv")
COLS="id, title, status, unit_id, summary, sections, implementer, partners, attachments, keywords, entered_on, revised_on, source, external_id"
# A scratch database with the same schema and the same units (ids kept).
q -c "CREATE DATABASE copyref"
BDP_DATABASE_URL=$(db_url copyref) "$BDP_BIN" migrate >"$WORK/migrate-copyref.log" 2>&1 ||
    die "bdp migrate (copyref) failed"
qdb copyref -c "DELETE FROM unit" >/dev/null
q -c "\\copy unit TO pstdout" | qdb copyref -c "\\copy unit FROM pstdin"
qdb copyref -c "SELECT setval('unit_id_seq', (SELECT max(id) FROM unit))" >/dev/null
qdb copyref -c "CREATE TABLE copy_ref (LIKE practice INCLUDING DEFAULTS INCLUDING STORAGE INCLUDING COMPRESSION)"
timed_psql() { # DB COMMAND -> seconds
    local t0 t1
    t0=$(now)
    qdb "$1" -c "$2" >/dev/null
    t1=$(now)
    sub "$t0" "$t1"
}
settle
qdb copyref -c "CHECKPOINT"
wait_idle "reference (COPY)"
r_p0=$(pg_ticks) r_s0=$(sys_busy)
REF_BARE=$(timed_psql copyref "\\copy copy_ref ($COLS) FROM '$WORK/practice.csv' WITH (FORMAT csv)")
r_p1=$(pg_ticks) r_s1=$(sys_busy)
REF_BARE_OTHER=$(pct_core $((r_s1 - r_s0 - (r_p1 - r_p0))) "$REF_BARE")
say "reference: COPY into a bare table LIKE practice: ${REF_BARE}s ($(rate "$CSV_ROWS" "$REF_BARE") rows/s)"
qdb copyref -c "CHECKPOINT"
REF_PRACTICE=$(timed_psql copyref "\\copy practice ($COLS) FROM '$WORK/practice.csv' WITH (FORMAT csv)")
REF_PC=$(timed_psql copyref "\\copy practice_category (practice_id, category_id, position) FROM '$WORK/pc.csv' WITH (FORMAT csv)")
r_p2=$(pg_ticks) r_s2=$(sys_busy)
REF_FULL=$(awk -v a="$REF_PRACTICE" -v b="$REF_PC" 'BEGIN { printf "%.2f", a + b }')
REF_FULL_OTHER=$(pct_core $((r_s2 - r_s1 - (r_p2 - r_p1))) "$REF_FULL")
read -r REF_CHANGES REF_QUEUED REF_SEARCH < <(qdb copyref -F ' ' -c "
    SELECT (SELECT count(*) FROM change WHERE resource = 'practice'),
           (SELECT count(*) FROM search_queue), (SELECT count(*) FROM practice_search)")
say "reference: COPY into practice (indexes, triggers) ${REF_PRACTICE}s + practice_category ${REF_PC}s"
q -c "DROP DATABASE copyref"
rm -f "$WORK/practice.csv" "$WORK/pc.csv"

say "reference: bench/load-ndjson.sh on a fresh database"
q -c "CREATE DATABASE loadref"
BDP_DATABASE_URL=$(db_url loadref) "$BDP_BIN" migrate >"$WORK/migrate-loadref.log" 2>&1 ||
    die "bdp migrate (loadref) failed"
q -c "CHECKPOINT"
wait_idle "reference (load-ndjson)"
t0=$(now)
bench/load-ndjson.sh "$(db_url loadref)" "$UNITS_FILE" "$PRACTICES_FILE" >"$WORK/load-ndjson.out" 2>&1 ||
    {
        cat "$WORK/load-ndjson.out" >&2
        die "bench/load-ndjson.sh failed"
    }
LOADREF_SECS=$(sub "$t0" "$(now)")
LOADREF_OUT=$(grep -E '^(practices|in the database)' "$WORK/load-ndjson.out" | tr '\n' ';')
q -c "DROP DATABASE loadref"
say "reference: load-ndjson ${LOADREF_SECS}s: $LOADREF_OUT"

# --- 5. the upload again, into a fresh database --------------------------------------------
B_DONE="" BIG_BYTES=0
if ((BIG > 0)); then
    AVAIL_KB=$(df -Pk /tmp | awk 'NR == 2 {print $4}')
    BIG_FILE_GUESS=$((FILE_BYTES * BIG / N))
    # The file, and about four times its size in the database and WAL.
    if ((AVAIL_KB * 1024 < BIG_FILE_GUESS * 6)); then
        say "only $((AVAIL_KB / 1024 / 1024)) GB free in /tmp: fewer records for the memory run"
        BIG=$((AVAIL_KB * 1024 / 6 / (FILE_BYTES / N) / 10000 * 10000))
    fi
    wait_idle "generate ($BIG)"
    t0=$(now)
    BIG_FILE=$(gen_practices "$BIG")
    GEN_SECS=$(sub "$t0" "$(now)")
    BIG_BYTES=$(stat -c %s "$BIG_FILE")
    BIG_LINES=$(wc -l <"$BIG_FILE")
fi
stop_bdp
start_bdp again
q -c "CHECKPOINT"
wait_idle "upload ($N, create, fresh database)"
say "uploading $N practices into a fresh database"
upload create2 "$PRACTICES_FILE" "" "$N"
row "$N new (atomic), fresh database" create2
C2_RATE=$U_RATE
DEFAULT_LIMIT_NOTE=""
if ((BIG > 0 && BIG_BYTES > 1073741824)); then
    # Over BDP_MAX_BULK_BYTES (default 1 GiB): what the default answers.
    code=$(curl -sS -o "$WORK/big-default.answer" -w '%{http_code}' --max-time 60 \
        -H "Authorization: Bearer $KEY" -H 'Content-Type: application/x-ndjson' \
        -T "$BIG_FILE" -X POST "$BASE/v1/bulk/practices?mode=$BIG_MODE" || true)
    DEFAULT_LIMIT_NOTE="with the default BDP_MAX_BULK_BYTES (1 GiB) bdp answers $code: $(head -c 300 "$WORK/big-default.answer")"
    say "$DEFAULT_LIMIT_NOTE"
fi
stop_bdp

# --- 6. 500,000 records: memory ------------------------------------------------------------
if ((BIG > 0)); then
    start_bdp big BDP_MAX_BULK_BYTES=$((BIG_BYTES * 2))
    sleep 1
    B_IDLE=$(rss_kb "$BDP_PID")
    q -c "CHECKPOINT"
    wait_idle "upload ($BIG, $BIG_MODE)"
    say "uploading $BIG practices ($BIG_BYTES bytes, mode=$BIG_MODE)"
    upload big "$BIG_FILE" "?mode=$BIG_MODE" "$BIG_LINES"
    row "$BIG_LINES new ($BIG_MODE), fresh database" big
    B_PEAK=$U_PEAK B_PEAK_UPLOAD=$U_PEAK_UPLOAD
    B_HWM=$(hwm_kb "$BDP_PID")
    B_PRACTICES=$(qdb big -c "SELECT count(*) FROM practice")
    stop_bdp
    B_DONE=1
fi

# --- report -----------------------------------------------------------------------------------
REF_BARE_RATE=$(rate "$CSV_ROWS" "$REF_BARE")
REF_FULL_RATE=$(rate "$CSV_ROWS" "$REF_FULL")
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1f", 100 * a / b; else print "n/a" }'; }
verdict() { awk -v a="$1" -v b="$2" 'BEGIN { print (a >= b) ? "yes" : "NO" }'; }

echo
echo "## Bulk uploads (issue 4), $(date -u +%Y-%m-%d), $(nproc) cores"
echo
echo "bdp $BUILT ($BUILT_SHA), release build $BDP_BIN; PostgreSQL $PG_VERSION: $PG_SETTINGS."
echo "Data: scripts/generate (sha256 $GEN...) --seed $SEED: $N practices, $FILE_BYTES bytes of NDJSON" \
    "($((FILE_BYTES / N)) bytes a record); units uploaded first."
echo
echo "Machine: ${NOTES[*]/%/;}"
echo
echo "| upload | HTTP | seconds | records/s | answer | bdp VmRSS MB: before / peak until the answer / peak to 1 s after | CPU % of a core: bdp / PostgreSQL / curl / others | each fifth of the body: seconds (records/s) |"
echo "|---|---:|---:|---:|---|---|---|---|"
cat "$WORK/rows.md"
echo
echo "\"records/s\": records / seconds from curl's start to its exit; CPU: user + system time of" \
    "bdp, of all PostgreSQL processes, of curl, and of everything else on the machine (from" \
    "/proc/stat), over that time. Fifths: when curl had read 20%, 40%, ... of the file" \
    "(rchar of curl's /proc/PID/io, sampled with VmRSS every 100 ms; curl reads the file as it sends it)."
echo
echo "bdp idle after start: $(mb "$RSS_IDLE") MB; after indexing: $(mb "$RSS_AFTER_INDEX") MB;" \
    "VmHWM of the first bdp (both uploads and the indexing): $(mb "$HWM_MAIN") MB."
if [[ -n "$B_DONE" ]]; then
    echo "Memory run: $BIG_BYTES bytes ($BIG_LINES records; generated/cached in ${GEN_SECS} s);" \
        "bdp started with BDP_MAX_BULK_BYTES=$((BIG_BYTES * 2)); idle $(mb "$B_IDLE") MB," \
        "VmHWM at the end $(mb "$B_HWM") MB; $B_PRACTICES practices in the database after."
    [[ -z "$DEFAULT_LIMIT_NOTE" ]] || echo "Before that, $DEFAULT_LIMIT_NOTE."
fi
echo
echo "Searchable: search_queue held $QUEUED_AT_ANSWER practices at the answer and was empty" \
    "**${I_SECS} s** after it ($I_RATE practices/s; CPU % of a core: bdp $I_BDP, PostgreSQL $I_PG," \
    "others $I_OTHER); practices without a vector: $NO_VECTOR; bdp's log: \"$INDEX_LOG\"." \
    "Upload + indexing: $(sub 0 "$(awk -v a="$C_SECS" -v b="$I_SECS" 'BEGIN { print a + b }')") s."
echo "Search check (GET /v1/practices?q=\"<title>\"):"
echo
printf '%s\n' "$SEARCH_OUT" | sed 's/^/    /'
echo
echo "In the database after: $DB_PRACTICES practices, $DB_PC practice_category rows, $DB_CHANGES change" \
    "entries, $DB_SEARCH practice_search rows; $DB_SIZE. Queued after the unchanged upload: $QUEUED_AFTER_UNCHANGED."
echo
echo "### PostgreSQL alone (same session)"
echo
echo "The same $CSV_ROWS rows as CSV ($CSV_BYTES bytes, prepared by bench/bulk_bench.py from the NDJSON:" \
    "unit_id resolved, JSON columns as text, bdp's defaults), \`psql -c '\\copy ... FROM file'\` timed from start to exit:"
echo
echo "| reference | seconds | rows/s | bdp create (first / fresh database) / reference | others' CPU % of a core |"
echo "|---|---:|---:|---:|---:|"
echo "| COPY into a bare table (LIKE practice INCLUDING DEFAULTS, STORAGE, COMPRESSION: no index, no trigger) | $REF_BARE | $REF_BARE_RATE | $(ratio "$C_RATE" "$REF_BARE_RATE")% / $(ratio "$C2_RATE" "$REF_BARE_RATE")% | $REF_BARE_OTHER |"
echo "| COPY into practice ($REF_PRACTICE s: indexes, FK, change and search triggers) + practice_category ($CSV_PC rows, $REF_PC s) | $REF_FULL | $REF_FULL_RATE | $(ratio "$C_RATE" "$REF_FULL_RATE")% / $(ratio "$C2_RATE" "$REF_FULL_RATE")% | $REF_FULL_OTHER |"
echo "| bench/load-ndjson.sh, fresh database (the NDJSON, triggers off) | $LOADREF_SECS | $(rate "$N" "$LOADREF_SECS") | $(ratio "$C_RATE" "$(rate "$N" "$LOADREF_SECS")")% / $(ratio "$C2_RATE" "$(rate "$N" "$LOADREF_SECS")")% | |"
echo
echo "After the full COPY: $REF_CHANGES practice change entries, $REF_QUEUED queued, $REF_SEARCH practice_search rows." \
    "load-ndjson: $LOADREF_OUT"
echo
echo "- >= 10,000 records/s end to end: $(verdict "$C_RATE" 10000) ($C_RATE; $C2_RATE into a fresh database; unchanged $R_RATE)"
if [[ -n "$B_DONE" ]]; then
    echo "- peak VmRSS < 100 MB during the $BIG_LINES-record upload: $(awk -v k="$B_PEAK" 'BEGIN { print (k < 102400) ? "yes" : "NO" }') ($(mb "$B_PEAK_UPLOAD") MB until the answer, $(mb "$B_PEAK") MB with the indexer's start after it)"
fi
echo
echo "Total time $((SECONDS - T0)) s."
if [[ -n "${BENCH_KEEP:-}" ]]; then
    echo "Outputs in $WORK"
fi
