#!/usr/bin/env bash
# Reproduces the README's "against the ceiling" table: simulates held-out worlds (seeds 11, 12 and 13 by default; the
# shipped model is trained on seed 7) with the world's true rankings, evaluates the model, the baseline, REP and POP
# against the oracle on each, and prints one markdown table per seed plus the mean over the seeds.
#   models/evaluate-ceiling.sh [--model FILE] [--users N --rooms N --hours N] [--seeds "11 12 13"]
set -euo pipefail
cd "$(dirname "$0")/.."
users=5000 rooms=300 hours=4 seeds="11 12 13" model=()
while [ $# -gt 0 ]; do
  case "$1" in
    --users) users="$2"; shift 2 ;;
    --rooms) rooms="$2"; shift 2 ;;
    --hours) hours="$2"; shift 2 ;;
    --seeds) seeds="$2"; shift 2 ;;
    --model) model=(--model "$2"); shift 2 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
dotnet build src/StreamRec.Cli -c Release -nologo -v quiet >/dev/null
streamrec=(dotnet src/StreamRec.Cli/bin/Release/net10.0/streamrec.dll)
for seed in $seeds; do
  "${streamrec[@]}" simulate --users "$users" --rooms "$rooms" --hours "$hours" --seed "$seed" \
    --out "$work/$seed.jsonl" --truth "$work/$seed.truth.jsonl" >/dev/null
  "${streamrec[@]}" evaluate --input "$work/$seed.jsonl" --truth "$work/$seed.truth.jsonl" --json "${model[@]}" > "$work/$seed.json"
  rm -f "$work/$seed.jsonl"
done
python3 - "$work" $seeds <<'PY'
import json, sys
work, seeds = sys.argv[1], sys.argv[2:]
rows = [("oracle", "oracle"), ("model", "model"), ("baseline scorer", "baseline"), ("REP", "rep"), ("POP", "pop")]
keys = ["h1", "h10", "ndcg10", "h10_new", "h10_rep", "h10_drift"]
reports = {s: json.load(open(f"{work}/{s}.json")) for s in seeds}
def table(title, get):
    print(f"\n{title}\n")
    print("| method | H@1 | H@10 | NDCG@10 | H@10 new | H@10 rep | H@10 drift | of oracle: H@10 / NDCG@10 / H@10 new | H@10 drift / REP's |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    oracle, rep = get("oracle"), get("rep")
    for name, key in rows:
        s = get(key)
        frac = " / ".join(f"{s[k] / oracle[k]:.3f}" for k in ("h10", "ndcg10", "h10_new"))
        drift = s["h10_drift"] / rep["h10_drift"] if rep["h10_drift"] else float("nan")
        print(f"| {name} | " + " | ".join(f"{s[k]:.3f}" for k in keys) + f" | {frac} | {drift:.2f}x |")
for s, r in reports.items():
    table(f"seed {s}: {r['cases']} cases with a truth record ({r['truth_coverage']:.1%} of {r['cases_before_truth']}), "
          f"{r['cases_new']} new, {r['cases_rep']} repeat, {r['cases_drift']} after a drift; model {r['model_version']}",
          lambda key, r=r: r[key])
mean = lambda key: {k: sum(r[key][k] for r in reports.values()) / len(reports) for k in keys}
table(f"mean over seeds {', '.join(seeds)}", mean)
PY
