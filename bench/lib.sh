# What the benchmarks share; sourced by bench/*.sh after they define ROOT
# (the checkout, also the working directory) and die.

# bench_build DIR: a release bdp in DIR, brought up to date, as BDP_BIN;
# nothing is built when BDP_BIN is set already. --reconfigure: meson lists
# migrations/*.sql when it configures, so a build directory set up before a
# migration was added would build a bdp without it.
bench_build() {
    local dir=$1
    if [[ -z "${BDP_BIN:-}" ]]; then
        BDP_BIN=$ROOT/$dir/bdp
        if [[ -f $dir/build.ninja ]]; then
            meson setup --reconfigure "$dir" >/dev/null || die "meson setup --reconfigure $dir failed"
        else
            meson setup "$dir" --buildtype=release >/dev/null || die "meson setup $dir failed"
        fi
        ninja -C "$dir" >/dev/null || die "ninja -C $dir failed"
    fi
    [[ -x "$BDP_BIN" ]] || die "no bdp binary at $BDP_BIN"
}

# bench_pg_remove PGDIR: stops the benchmark's PostgreSQL; removes it too
# unless BENCH_KEEP is set.
bench_pg_remove() {
    if [[ -n "${BENCH_KEEP:-}" ]]; then
        scripts/pg stop "$1" || true
    else
        scripts/pg destroy "$1" || true
    fi
}
