#!/usr/bin/env bash
# drc beside the SAM translator on the stack of N copies (benches/generate.rs; the SAM
# template of the same stack from benches/sam/sam_stack.py), for BENCHMARKS.md: per N, the
# median wall time (hyperfine), the peak memory (GNU time's max RSS, one run) and the bytes
# written, for `drc build --target cloudformation` (nested stacks included),
# `drc build --target terraform` and the translator, measured in the same run, with the
# translator's time and memory over drc's.
#
#   SAM_PYTHON=/tmp/sam-venv/bin/python benches/compare.sh          # N = 1 100 1000 5000 15000
#   SIZES="1 100" SAM_PYTHON=... benches/compare.sh
#
# SAM_PYTHON is a Python with aws-sam-translator installed:
#   python3 -m venv /tmp/sam-venv && /tmp/sam-venv/bin/pip install aws-sam-translator
# Needs hyperfine and GNU time at /usr/bin/time. Honours CARGO_TARGET_DIR. The table goes to
# stdout and to RESULTS/compare.md (RESULTS defaults to <target>/scale).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
target=${CARGO_TARGET_DIR:-$root/target}
results=${RESULTS:-$target/scale}
python=${SAM_PYTHON:?set SAM_PYTHON to a Python with aws-sam-translator}
read -r -a sizes <<<"${SIZES:-1 100 1000 5000 15000}"
sam="$root/benches/sam/sam_stack.py"

# NO_BUILD=1 uses the binaries already built.
[[ -n ${NO_BUILD:-} ]] || (cd "$root" && cargo build --release --bin drc --example gen-stack) >&2
drc=$target/release/drc
gen=$target/release/examples/gen-stack
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$results"
export DRC_TODAY=${DRC_TODAY:-2026-11-24}

runs_for() {
    if (($1 <= 100)); then echo 20; elif (($1 <= 1000)); then echo 10; elif (($1 <= 5000)); then echo 3; else echo 2; fi
}

# hyperfine's median wall time (s) of one command, with its CSV kept.
wall() {
    local name=$1 runs=$2
    shift 2
    hyperfine -N --style basic --runs "$runs" --export-csv "$results/$name.csv" "$*" >&2
    tail -n 1 "$results/$name.csv" | cut -d, -f4
}

# GNU time's max RSS (KB) of one run.
peak() {
    /usr/bin/time -f '%M' -o "$work/time" "$@" >/dev/null 2>"$work/stderr" || {
        cat "$work/stderr" >&2
        return 1
    }
    tail -n 1 "$work/time"
}

ms() { awk -v s="$1" 'BEGIN { if (s < 0.1) printf "%.1f ms", s * 1000; else printf "%.0f ms", s * 1000 }'; }
mb() { awk -v k="$1" 'BEGIN { printf "%.1f MB", k / 1024 }'; }
bytes() { awk -v b="$1" 'BEGIN { if (b < 1e6) printf "%.0f kB", b / 1e3; else printf "%.1f MB", b / 1e6 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f×", a / b }'; }

table=$results/compare.md
version=$(git -C "$root" describe --always --dirty 2>/dev/null || echo "not a git checkout")
samv=$("$python" -c 'import samtranslator; print(samtranslator.__version__)')
{
    echo "drc $version, aws-sam-translator $samv, $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at the start."
    echo
    echo "| N | drc cfn wall | cfn peak | cfn bytes (templates) | drc tf wall | tf peak | tf bytes | SAM wall | SAM peak | SAM bytes | SAM / cfn wall | SAM / tf wall | SAM / cfn peak |"
    echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
} >"$table"

for n in "${sizes[@]}"; do
    dir=$work/$n
    "$gen" "$n" --dir "$dir"
    "$python" "$sam" generate "$n" "$dir/sam.json"
    runs=$(runs_for "$n")
    echo "== N=$n, $runs runs, load $(cut -d' ' -f1 /proc/loadavg)" >&2

    # CloudFormation refuses a stack past 500 nested stacks (E0501): the row says so.
    cfn=
    if cfn_kb=$(peak "$drc" build "$dir/stack.dr" --target cloudformation --out-dir "$dir/cfn"); then
        cfn=$(wall "cfn-$n" "$runs" "$drc" build "$dir/stack.dr" --target cloudformation --out-dir "$dir/cfn")
        cfn_bytes=$(cat "$dir"/cfn/*.cfn.yaml | wc -c)
        templates=$(ls "$dir"/cfn/*.cfn.yaml | wc -l)
        cfn_cells="$(ms "$cfn") | $(mb "$cfn_kb") | $(bytes "$cfn_bytes") ($templates)"
    else
        refusal=$(grep -o 'error\[E[0-9]*\]' "$work/stderr" | head -n 1 | grep -o 'E[0-9]*')
        cfn_cells="refused (${refusal:-an error}) | - | -"
    fi

    # Terraform has no resource limit, but the proof tells apart a bounded number of names
    # (E0901 past about 18,000 copies): the row says so too.
    tf=
    if tf_kb=$(peak "$drc" build "$dir/stack.dr" --target terraform --out-dir "$dir/tf"); then
        tf=$(wall "tf-$n" "$runs" "$drc" build "$dir/stack.dr" --target terraform --out-dir "$dir/tf")
        tf_bytes=$(cat "$dir"/tf/*.tf.json | wc -c)
        tf_cells="$(ms "$tf") | $(mb "$tf_kb") | $(bytes "$tf_bytes")"
    else
        refusal=$(grep -o 'error\[E[0-9]*\]' "$work/stderr" | head -n 1 | grep -o 'E[0-9]*')
        tf_cells="refused (${refusal:-an error}) | - | -"
    fi

    sam_runs=$runs
    ((n >= 5000)) && sam_runs=2
    ((n >= 20000)) && sam_runs=1
    sam_kb=$(peak "$python" "$sam" translate "$dir/sam.json" "$dir/sam-out.json")
    sam_s=$(wall "sam-$n" "$sam_runs" "$python" "$sam" translate "$dir/sam.json" "$dir/sam-out.json")
    sam_bytes=$(wc -c <"$dir/sam-out.json")

    sam_cfn="-" sam_cfn_peak="-" sam_tf="-"
    [[ -n $cfn ]] && sam_cfn=$(ratio "$sam_s" "$cfn") sam_cfn_peak=$(ratio "$sam_kb" "$cfn_kb")
    [[ -n $tf ]] && sam_tf=$(ratio "$sam_s" "$tf")
    echo "| $n | $cfn_cells | $tf_cells | $(ms "$sam_s") | $(mb "$sam_kb") | $(bytes "$sam_bytes") | $sam_cfn | $sam_tf | $sam_cfn_peak |" >>"$table"
    rm -rf "$dir"
done
echo >>"$table"
echo "Load average $(cut -d' ' -f1-3 /proc/loadavg) at the end." >>"$table"
cat "$table"
