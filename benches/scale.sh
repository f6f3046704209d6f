#!/usr/bin/env bash
# Times the drc binary on generated stacks of N copies (see benches/generate.rs): the wall
# time of `drc check` and `drc build`, their peak memory, and how each grows from one N to
# the next. Stacks past 62 copies need more than one CloudFormation template holds, so `build`
# splits them into nested stacks (docs/deploying.md#nested-stacks). BENCHMARKS.md compares
# drc with the SAM translator (benches/compare.sh).
#
#   benches/scale.sh                 # N = 62 (the largest in one template), 500, 2000, 5000, 20000
#   SIZES="500 2000" benches/scale.sh
#
# Needs hyperfine (`apt-get install hyperfine` or `cargo install hyperfine`) and GNU time at
# /usr/bin/time (`apt-get install time`). Honours CARGO_TARGET_DIR. The table goes to stdout
# and to RESULTS/table.md, hyperfine's reports beside it (RESULTS defaults to
# <target>/scale); progress goes to stderr. The stacks are written under TMPDIR (mktemp), and
# `build` syncs every file it writes, so its time depends on that disk.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
target=${CARGO_TARGET_DIR:-$root/target}
results=${RESULTS:-$target/scale}
read -r -a sizes <<<"${SIZES:-62 500 2000 5000 20000}"

if ! command -v hyperfine >/dev/null; then
    echo "error: scale.sh needs hyperfine: apt-get install hyperfine (or cargo install hyperfine)" >&2
    exit 2
fi
if [[ ! -x /usr/bin/time ]]; then
    echo "error: scale.sh needs GNU time at /usr/bin/time: apt-get install time" >&2
    exit 2
fi

(cd "$root" && cargo build --release --bin drc --example gen-stack) >&2
drc=$target/release/drc
gen=$target/release/examples/gen-stack
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$results"

# Fewer runs for the large stacks, whose check takes seconds.
runs_for() {
    if (($1 <= 2000)); then echo 10; elif (($1 <= 5000)); then echo 5; else echo 3; fi
}

# The median wall time in seconds of hyperfine's CSV report
# (command,mean,stddev,median,user,system,min,max).
median() {
    tail -n 1 "$1" | cut -d, -f4
}

# The mean CPU time (user + system) in seconds of hyperfine's CSV report: less disturbed
# than the wall time when other work shares the machine.
cpu() {
    tail -n 1 "$1" | awk -F, '{ print $5 + $6 }'
}

# `$1 / $2` to one decimal, or `-` when there is no earlier value.
ratio() {
    if [[ $1 == - || $2 == - ]]; then echo -; else awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", a / b }'; fi
}

# Seconds to milliseconds for the table.
ms() {
    awk -v s="$1" 'BEGIN { printf "%.0f ms", s * 1000 }'
}

# Kilobytes (GNU time's %M) to megabytes.
mb() {
    awk -v k="$1" 'BEGIN { printf "%.0f MB", k / 1024 }'
}

# One run of a command under GNU time: prints "<exit status> <wall s> <peak KB>", and
# leaves the command's stderr in $work/stderr. (GNU time's report ends with the format's
# line, after a "Command exited with non-zero status" line when the command fails.)
measure() {
    local status=0
    /usr/bin/time -f '%e %M' -o "$work/time" "$@" >/dev/null 2>"$work/stderr" || status=$?
    echo "$status $(tail -n 1 "$work/time")"
}

version=$(git -C "$root" describe --always --dirty 2>/dev/null || echo "not a git checkout")
table=$results/table.md
{
    echo "drc $version on $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at the start."
    echo
    echo "| N | N ×prev | check | check ×prev | check cpu | cpu ×prev | check peak | build | build ×prev | build peak |"
    echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
} >"$table"

previous_n=- previous_check=- previous_cpu=- previous_build=-
for n in "${sizes[@]}"; do
    dir=$work/$n
    "$gen" "$n" --dir "$dir"
    runs=$(runs_for "$n")
    echo "== N=$n: $(wc -c <"$dir/stack.dr") bytes, $runs runs" >&2

    # The run under GNU time also warms the file cache for hyperfine.
    read -r status _ check_kb < <(measure "$drc" check "$dir/stack.dr")
    codes=$(grep -o '^error\[E[0-9]*\]' "$work/stderr" | sort -u | tr '\n' ' ' || true)
    echo "check: exit $status; errors: ${codes:-none}" >&2
    hyperfine -N --style basic --runs "$runs" --ignore-failure \
        --export-csv "$results/check-$n.csv" --export-markdown "$results/check-$n.md" \
        "$drc check $dir/stack.dr" >&2
    check=$(median "$results/check-$n.csv") check_cpu=$(cpu "$results/check-$n.csv")

    read -r status build_s build_kb < <(measure "$drc" build "$dir/stack.dr" --out-dir "$dir/out")
    if ((status == 0)); then
        hyperfine -N --style basic --runs "$runs" \
            --export-csv "$results/build-$n.csv" --export-markdown "$results/build-$n.md" \
            "$drc build $dir/stack.dr --out-dir $dir/out" >&2
        build=$(median "$results/build-$n.csv")
        build_cell=$(ms "$build") build_peak=$(mb "$build_kb")
    else
        build=-
        if grep -q '^error\[E0501\]' "$work/stderr"; then
            build_cell="refused: E0501 (after $(ms "$build_s"))"
        else
            build_cell="failed: exit $status (after $(ms "$build_s"))"
            head -n 20 "$work/stderr" >&2
        fi
        build_peak=$(mb "$build_kb")
    fi

    echo "| $n | $(ratio "$n" "$previous_n") | $(ms "$check") | $(ratio "$check" "$previous_check") | $(ms "$check_cpu") | $(ratio "$check_cpu" "$previous_cpu") | $(mb "$check_kb") | $build_cell | $(ratio "$build" "$previous_build") | $build_peak |" >>"$table"
    previous_n=$n previous_check=$check previous_cpu=$check_cpu previous_build=$build
    rm -rf "$dir"
done

{
    echo
    echo "check and build: median wall time; check cpu: mean user + system time. ×prev: this"
    echo "row's value over the previous row's. Peak memory (max RSS) is of one run; build's is"
    echo "of the refused run when it refuses."
} >>"$table"
cat "$table"
