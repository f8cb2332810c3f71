#!/usr/bin/env bash
# GET /v1/practices/{id} for random ids: bdp against the ceiling program of
# ../shared/bench/ceiling.c, in the same session, on the same database, with
# the SQL bdp itself uses for the document. See bench/RESULTS.md.
#
#   bench/get-by-id.sh
#
# Starts a throwaway PostgreSQL (scripts/pg) on a free port, migrates it with
# `bdp migrate`, loads bench/load-practices.sql, builds and starts the
# ceiling and `bdp serve` on two more free ports, checks that both answer the
# same JSON, measures bdp's idle resident memory, then runs wrk against them
# alternately (ceiling, bdp, ceiling, bdp, ...) and prints a markdown table.
# Everything it started is stopped and removed on exit.
#
# Environment (all optional):
#   BDP_BIN          the bdp binary (default build-bench/bdp, a release build
#                    this script sets up and brings up to date with ninja)
#   BENCH_PRACTICES  number of practices (100000)
#   BENCH_ROUNDS     measured runs of each program (3)
#   BENCH_DURATION   wrk duration of one run (10s)
#   BENCH_CONNECTIONS, BENCH_THREADS   wrk -c and -t (16, 2)
#   BENCH_CEILING_CONNECTIONS, BENCH_CEILING_THREADS   the ceiling's libpq
#                    connections and civetweb threads (4, 32: its defaults)
#   BENCH_SUMMARY_SENTENCES  summary length of the generated practices (7)
#   BENCH_CEILING_SQL  override the SQL found in src/practice_store.c
#   BENCH_BDP_LOG    where bdp's stderr (its request log) goes (a file in the
#                    work directory)
#   BENCH_PERF=1     after the measured runs, one more bdp run under
#                    `perf record -g`; the report is kept in bench/perf-bdp.txt
#   BENCH_KEEP=1     keep the work directory (database, logs, wrk outputs)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

N=${BENCH_PRACTICES:-100000}
ROUNDS=${BENCH_ROUNDS:-3}
DURATION=${BENCH_DURATION:-10s}
WRK_C=${BENCH_CONNECTIONS:-16}
WRK_T=${BENCH_THREADS:-2}
CEIL_CONNS=${BENCH_CEILING_CONNECTIONS:-4}
CEIL_THREADS=${BENCH_CEILING_THREADS:-32}
CEILING_SRC=${CEILING_SRC:-$ROOT/../shared/bench/ceiling.c}
[[ -f "$CEILING_SRC" ]] || CEILING_SRC=/work/shared/bench/ceiling.c

say() { printf '%s\n' "$*" >&2; }
die() {
    say "get-by-id: $*"
    exit 1
}
. "$ROOT/bench/lib.sh"

for tool in wrk curl psql cc perl; do
    command -v "$tool" >/dev/null 2>&1 || die "$tool is missing (scripts/install-deps)"
done
[[ -f "$CEILING_SRC" ]] || die "ceiling.c not found (set CEILING_SRC)"

# --- bdp --------------------------------------------------------------------
bench_build build-bench

# --- work directory and teardown ---------------------------------------------
WORK=$(mktemp -d /tmp/bdp-bench.XXXXXX)
chmod 755 "$WORK"
PGDIR=$WORK/pg
BDP_PID="" CEIL_PID="" PG_STARTED=""

cleanup() {
    local rc=$?
    set +e
    if [[ -n "$BDP_PID" ]] && kill "$BDP_PID" 2>/dev/null; then
        wait "$BDP_PID" 2>/dev/null
    fi
    if [[ -n "$CEIL_PID" ]] && kill "$CEIL_PID" 2>/dev/null; then
        wait "$CEIL_PID" 2>/dev/null
    fi
    if [[ -n "$PG_STARTED" ]]; then
        bench_pg_remove "$PGDIR"
    fi
    if [[ -n "${BENCH_KEEP:-}" ]]; then
        say "get-by-id: kept $WORK"
    else
        rm -rf "$WORK"
    fi
    exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

T0=$SECONDS

# --- PostgreSQL, schema, data -----------------------------------------------
PG_PORT=$(scripts/pg free-port)
say "get-by-id: PostgreSQL on port $PG_PORT"
PG_STARTED=1
scripts/pg start "$PGDIR" "$PG_PORT" >/dev/null
DB_URL=$(scripts/pg url "$PGDIR" "$PG_PORT")

BDP_DATABASE_URL=$DB_URL "$BDP_BIN" migrate >"$WORK/migrate.log" 2>&1 ||
    {
        cat "$WORK/migrate.log" >&2
        die "bdp migrate failed"
    }

say "get-by-id: loading $N practices"
t=$SECONDS
psql -X -q -v ON_ERROR_STOP=1 -v n="$N" \
    -v summary_sentences="${BENCH_SUMMARY_SENTENCES:-7}" \
    -f bench/load-practices.sql "$DB_URL" >"$WORK/load.out" ||
    die "bench/load-practices.sql failed"
LOAD_SECONDS=$((SECONDS - t))
# Freshly loaded rows get their hint bits and visibility on first reads, and
# autovacuum would pick the tables up mid-run: settle both before measuring.
psql -X -q -v ON_ERROR_STOP=1 "$DB_URL" -c "VACUUM (FREEZE, ANALYZE)" -c "CHECKPOINT" ||
    die "VACUUM after the load failed"
read -r UNITS PRACTICES CONTACTS AVG_BYTES < <(psql -X -At -F ' ' "$DB_URL" -c "
    SELECT (SELECT count(*) FROM unit), (SELECT count(*) FROM practice),
           (SELECT count(*) FROM contact),
           (SELECT round(avg(octet_length(practice_json(p, false)::text)))
            FROM practice p WHERE p.id % 100 = 0)")
say "get-by-id: $UNITS units, $PRACTICES practices, $CONTACTS contacts," \
    "document $AVG_BYTES bytes on average, loaded in ${LOAD_SECONDS}s"

# --- the SQL bdp uses for the document ---------------------------------------
# The C string literal in src/practice_store.c that selects practice_json(..)
# by id (adjacent literals joined). bdp binds $2 (with_private) to false for
# an anonymous reader; the ceiling binds only $1, so $2 becomes false.
found_sql=""
if [[ -f src/practice_store.c ]]; then
    found_sql=$(perl -0777 -ne '
        s{/\*.*?\*/}{}gs; s{//[^\n]*}{}g;
        while (/((?:"(?:[^"\\]|\\.)*"\s*)+)/gs) {
            my $lit = $1; my $s = "";
            $s .= $1 while $lit =~ /"((?:[^"\\]|\\.)*)"/g;
            $s =~ s/\\n/ /g; $s =~ s/\\t/ /g; $s =~ s/\\"/"/g; $s =~ s/\\\\/\\/g;
            if ($s =~ /practice_json\s*\(/i && $s =~ /\bid\s*=\s*\$1/) { print "$s\n"; }
        }' src/practice_store.c | head -n 1)
fi
if [[ -n "${BENCH_CEILING_SQL:-}" ]]; then
    CEIL_SQL=$BENCH_CEILING_SQL
elif [[ -n "$found_sql" ]]; then
    # The ceiling answers with the first column: put the document first and
    # keep the other columns bdp reads (the version, for the ETag), so that
    # PostgreSQL does the same work for both.
    CEIL_SQL=$(printf '%s' "$found_sql" |
        sed -E 's/\$2(::boolean|::bool)?/false/g; s/[[:space:]]+/ /g; s/^ //; s/ $//' |
        perl -pe 's/^SELECT\s+(.+?),\s*(practice_json\s*\(\s*p\s*,\s*false\s*\))\s+FROM/SELECT $2, $1 FROM/i')
else
    CEIL_SQL="SELECT practice_json(p, false) FROM practice p WHERE p.id = \$1::int AND p.status = 'published'"
    say "get-by-id: WARNING: no practice_json(...) query found in src/practice_store.c;" \
        "using the one DESIGN names"
fi
say "get-by-id: bdp's SQL:     ${found_sql:-(not found)}"
say "get-by-id: ceiling's SQL: $CEIL_SQL"

# --- the ceiling ---------------------------------------------------------------
cc -O2 -o "$WORK/ceiling" "$CEILING_SRC" -lcivetweb -lpq -lpthread \
    -I/usr/include/postgresql || die "cannot build the ceiling"
CEIL_PORT=$(scripts/pg free-port)
"$WORK/ceiling" "$CEIL_PORT" "$DB_URL" "$CEIL_SQL" "$CEIL_CONNS" "$CEIL_THREADS" \
    >"$WORK/ceiling.log" 2>&1 &
CEIL_PID=$!

# --- bdp serve -------------------------------------------------------------------
BDP_PORT=$(scripts/pg free-port)
BDP_LOG=${BENCH_BDP_LOG:-$WORK/bdp.log}
BDP_DATABASE_URL=$DB_URL BDP_LISTEN=127.0.0.1:$BDP_PORT "$BDP_BIN" serve \
    >"$WORK/bdp.stdout" 2>"$BDP_LOG" &
BDP_PID=$!

wait_http() { # URL PID NAME LOG
    local _
    for _ in $(seq 1 100); do
        if curl -fsS -o /dev/null "$1" 2>/dev/null; then
            return 0
        fi
        kill -0 "$2" 2>/dev/null || {
            tail -n 20 "$4" >&2 || true
            die "$3 exited at startup"
        }
        sleep 0.1
    done
    tail -n 20 "$4" >&2 || true
    die "$3 does not answer $1"
}
wait_http "http://127.0.0.1:$CEIL_PORT/practices/1" "$CEIL_PID" ceiling "$WORK/ceiling.log"
wait_http "http://127.0.0.1:$BDP_PORT/healthz" "$BDP_PID" "bdp serve" "$BDP_LOG"

rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
threads_of() { awk '/^Threads:/ {print $2}' "/proc/$1/status"; }
sleep 1
RSS_START=$(rss_kb "$BDP_PID")
THREADS_BDP=$(threads_of "$BDP_PID")

# --- same document from both ------------------------------------------------------
same=0 checked=0
for id in 1 2 $((N / 2)) $((N - 1)) "$N" $((RANDOM % N + 1)) $((RANDOM % N + 1)); do
    ((id >= 1)) || continue
    checked=$((checked + 1))
    code=$(curl -sS -o "$WORK/bdp-$id.json" -w '%{http_code}' \
        "http://127.0.0.1:$BDP_PORT/v1/practices/$id")
    curl -sS -o "$WORK/ceil-$id.json" "http://127.0.0.1:$CEIL_PORT/practices/$id"
    [[ "$code" == 200 ]] || die "bdp answered $code for /v1/practices/$id: $(head -c 300 "$WORK/bdp-$id.json")"
    if cmp -s "$WORK/bdp-$id.json" "$WORK/ceil-$id.json"; then
        same=$((same + 1))
    elif command -v jq >/dev/null &&
        [[ "$(jq -S . "$WORK/bdp-$id.json")" == "$(jq -S . "$WORK/ceil-$id.json")" ]]; then
        say "get-by-id: id $id: same JSON value, different bytes"
        same=$((same + 1))
    else
        say "get-by-id: id $id: bdp and the ceiling answer different documents:"
        diff <(jq -S . "$WORK/bdp-$id.json" 2>/dev/null || cat "$WORK/bdp-$id.json") \
            <(jq -S . "$WORK/ceil-$id.json" 2>/dev/null || cat "$WORK/ceil-$id.json") |
            head -n 20 >&2 || true
        die "the ceiling does not serve bdp's document; fix BENCH_CEILING_SQL"
    fi
done
say "get-by-id: $same/$checked ids: bdp and the ceiling answer the same document"

# --- wrk -----------------------------------------------------------------------
run_wrk() { # NAME PORT PREFIX OUT
    BENCH_MAX_ID=$N BENCH_PREFIX=$3 wrk -t"$WRK_T" -c"$WRK_C" -d"$DURATION" --latency \
        -s bench/random-id.lua "http://127.0.0.1:$2" >"$4" 2>&1 || {
        cat "$4" >&2
        die "wrk against $1 failed"
    }
}

# A latency "612.00us" / "2.93ms" / "1.02s" in milliseconds.
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

say "get-by-id: warming up (3s each)"
BENCH_DURATION_SAVE=$DURATION
DURATION=3s
run_wrk ceiling "$CEIL_PORT" /practices/ "$WORK/warm-ceiling.txt"
run_wrk bdp "$BDP_PORT" /v1/practices/ "$WORK/warm-bdp.txt"
DURATION=$BENCH_DURATION_SAVE

# CPU time (user + system, all threads) of a process, in clock ticks.
cpu_ticks() { sed 's/^.*) //' "/proc/$1/stat" | awk '{print $12 + $13}'; }
CLK_TCK=$(getconf CLK_TCK)
# Microseconds of server CPU per request: TICKS_BEFORE TICKS_AFTER WRK_OUTPUT.
cpu_per_req() {
    local n
    n=$(awk '/requests in/ {print $1}' "$3")
    awk -v a="$1" -v b="$2" -v n="${n:-0}" -v hz="$CLK_TCK" \
        'BEGIN { if (n > 0) printf "%.0f", (b - a) / hz * 1e6 / n; else print "n/a" }'
}

declare -a C_RPS C_P50 C_P99 C_ERR C_CPU B_RPS B_P50 B_P99 B_ERR B_CPU
for r in $(seq 1 "$ROUNDS"); do
    say "get-by-id: round $r/$ROUNDS: ceiling"
    t0=$(cpu_ticks "$CEIL_PID")
    run_wrk ceiling "$CEIL_PORT" /practices/ "$WORK/wrk-ceiling-$r.txt"
    C_CPU[r]=$(cpu_per_req "$t0" "$(cpu_ticks "$CEIL_PID")" "$WORK/wrk-ceiling-$r.txt")
    read -r "C_RPS[r]" "C_P50[r]" "C_P99[r]" "C_ERR[r]" < <(parse_wrk "$WORK/wrk-ceiling-$r.txt")
    say "get-by-id: round $r/$ROUNDS: bdp"
    t0=$(cpu_ticks "$BDP_PID")
    run_wrk bdp "$BDP_PORT" /v1/practices/ "$WORK/wrk-bdp-$r.txt"
    B_CPU[r]=$(cpu_per_req "$t0" "$(cpu_ticks "$BDP_PID")" "$WORK/wrk-bdp-$r.txt")
    read -r "B_RPS[r]" "B_P50[r]" "B_P99[r]" "B_ERR[r]" < <(parse_wrk "$WORK/wrk-bdp-$r.txt")
done

sleep 2
RSS_AFTER=$(rss_kb "$BDP_PID")
HWM=$(awk '/^VmHWM:/ {print $2}' "/proc/$BDP_PID/status")

# --- optional profile ------------------------------------------------------------
if [[ -n "${BENCH_PERF:-}" ]]; then
    say "get-by-id: profiling bdp under wrk (not counted)"
    perf record -g -F 999 -p "$BDP_PID" -o "$WORK/perf.data" -- sleep 8 \
        >"$WORK/perf-record.log" 2>&1 &
    perf_pid=$!
    run_wrk bdp "$BDP_PORT" /v1/practices/ "$WORK/wrk-bdp-perf.txt"
    wait "$perf_pid" || true
    {
        echo "# perf record -g -F 999 -p <bdp> during wrk; flat profile by library, then by symbol"
        perf report -i "$WORK/perf.data" --no-children --stdio -g none --sort dso 2>/dev/null |
            grep -v '^#' | grep -v '^$' | head -n 15
        echo
        perf report -i "$WORK/perf.data" --no-children --stdio -g none --sort dso,symbol \
            --percent-limit 0.3 2>/dev/null | grep -v '^#' | grep -v '^$' | head -n 60
        echo
        echo "# with callers (children included)"
        perf report -i "$WORK/perf.data" --children --stdio -g caller,0.5,callee --percent-limit 3 \
            --sort symbol 2>/dev/null | grep -v '^$' | head -n 200
    } >bench/perf-bdp.txt || true
    say "get-by-id: perf report in bench/perf-bdp.txt"
fi

# --- report -----------------------------------------------------------------------
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR] = $1} END {
    if (NR % 2) print a[(NR + 1) / 2]; else printf "%.2f\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
pct() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1f", 100 * a / b; else print "n/a" }'; }

cm=$(median "${C_RPS[@]}")
bm=$(median "${B_RPS[@]}")
share=$(pct "$bm" "$cm")
bp99max=$(printf '%s\n' "${B_P99[@]}" | sort -g | tail -n 1)

echo
echo "## GET /v1/practices/{id}, $(date -u +%Y-%m-%d), $(nproc) cores"
echo
echo "$PRACTICES practices ($AVG_BYTES-byte documents on average), $CONTACTS contacts," \
    "$UNITS units; wrk -t$WRK_T -c$WRK_C -d$DURATION --latency, random ids in 1..$N;" \
    "ceiling with $CEIL_CONNS connections and $CEIL_THREADS threads;" \
    "bdp with its defaults ($THREADS_BDP threads at start)."
echo
echo "| run | ceiling req/s | ceiling p50 ms | ceiling p99 ms | ceiling CPU µs/req | bdp req/s | bdp p50 ms | bdp p99 ms | bdp CPU µs/req | bdp / ceiling |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
for r in $(seq 1 "$ROUNDS"); do
    echo "| $r | ${C_RPS[r]} | ${C_P50[r]} | ${C_P99[r]} | ${C_CPU[r]} | ${B_RPS[r]} | ${B_P50[r]} | ${B_P99[r]} | ${B_CPU[r]} | $(pct "${B_RPS[r]}" "${C_RPS[r]}")% |"
done
echo "| median | $cm | $(median "${C_P50[@]}") | $(median "${C_P99[@]}") | $(median "${C_CPU[@]}") | $bm | $(median "${B_P50[@]}") | $(median "${B_P99[@]}") | $(median "${B_CPU[@]}") | $share% |"
echo
echo "CPU µs/req: user + system time of the server process alone (all its threads)" \
    "during the run, divided by the requests wrk completed."
echo
errs=0
for r in $(seq 1 "$ROUNDS"); do errs=$((errs + C_ERR[r] + B_ERR[r])); done
echo "Errors and non-2xx answers in all runs: $errs."
echo
echo "bdp serve resident memory (VmRSS): $((RSS_START / 1024)).$(((RSS_START % 1024) * 10 / 1024)) MB idle after start," \
    "$((RSS_AFTER / 1024)).$(((RSS_AFTER % 1024) * 10 / 1024)) MB idle after the load" \
    "(peak VmHWM $((HWM / 1024)).$(((HWM % 1024) * 10 / 1024)) MB)."
echo
verdict_rps=$(awk -v s="$share" 'BEGIN { print (s >= 80) ? "yes" : "NO" }')
verdict_p99=$(awk -v p="$bp99max" 'BEGIN { print (p <= 10) ? "yes" : "NO" }')
verdict_rss=$(((RSS_START > RSS_AFTER ? RSS_START : RSS_AFTER) <= 20 * 1024 ? 1 : 0))
echo "- bdp >= 80% of the ceiling (median): $verdict_rps ($share%)"
echo "- bdp p99 <= 10 ms in every run: $verdict_p99 (worst ${bp99max} ms)"
echo "- idle RSS <= 20 MB: $([[ $verdict_rss == 1 ]] && echo yes || echo NO)"
echo
echo "Total time $((SECONDS - T0)) s (load ${LOAD_SECONDS} s)."
if [[ -n "${BENCH_KEEP:-}" ]]; then
    echo "wrk outputs in $WORK"
fi
