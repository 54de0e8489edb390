#!/usr/bin/env bash
# Crash harness for `replay --state-dir`: SIGKILLs the replay at random moments, restarts it each time,
# and checks that what it finally leaves is byte-identical to an uninterrupted replay's output, so no
# (user_id, seq) pair ever carries two different lists. Usage:
#   benchmarks/crash-harness.sh [KILLS=12] [USERS=50000] [ROOMS=1000] [HOURS=1] [SEED=3]
set -euo pipefail
kills=${1:-12} users=${2:-50000} rooms=${3:-1000} hours=${4:-1} seed=${5:-3}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dotnet build "$root/src/StreamRec.Cli" -c Release -v quiet -nologo >"${TMPDIR:-/tmp}/streamrec-harness-build.log" 2>&1 || { echo "the build failed:"; grep -E "error" "${TMPDIR:-/tmp}/streamrec-harness-build.log" | sort -u | head -20; exit 1; }
cli=(dotnet "$root/src/StreamRec.Cli/bin/Release/net10.0/streamrec.dll")
"${cli[@]}" simulate --users "$users" --rooms "$rooms" --hours "$hours" --seed "$seed" --out "$work/log.jsonl" 2>/dev/null
echo '{"Pipeline":{"CheckpointInterval":"00:00:00.500"}}' >"$work/settings.json"
# exec: the background job's pid is the replay process itself, so kill -9 reaches it.
replay() { exec "${cli[@]}" replay --input "$work/log.jsonl" --config "$work/settings.json" "$@"; }

start=$(date +%s.%N)
(replay --out "$work/reference.jsonl" --dlq "$work/reference-dlq.jsonl" >/dev/null 2>&1)
full=$(echo "$(date +%s.%N) - $start" | bc)
echo "uninterrupted replay: ${full}s, $(wc -l <"$work/reference.jsonl") deltas"

survived=0
for i in $(seq 1 "$kills"); do
  (replay --out "$work/deltas.jsonl" --dlq "$work/dlq.jsonl" --state-dir "$work/state" >/dev/null 2>&1) &
  pid=$!
  # A random moment within half the time an uninterrupted run takes (start-up included).
  sleep "$(echo "scale=2; $full * $((RANDOM % 45 + 5)) / 100" | bc)"
  if kill -9 "$pid" 2>/dev/null; then survived=$((survived + 1)); fi
  wait "$pid" 2>/dev/null || true
  echo "kill $i: output at $(wc -l <"$work/deltas.jsonl" 2>/dev/null || echo 0) lines"
done
(replay --out "$work/deltas.jsonl" --dlq "$work/dlq.jsonl" --state-dir "$work/state" 2>/dev/null) | tail -1

differing=$(python3 - "$work/reference.jsonl" "$work/deltas.jsonl" <<'PY'
import json, sys
def lists(path):
    pairs, conflicts = {}, 0
    for line in open(path):
        d = json.loads(line)
        key = (d["user_id"], d["seq"])
        if key in pairs and pairs[key] != d["top"]:
            conflicts += 1
        pairs[key] = d["top"]
    return pairs, conflicts
ref, _ = lists(sys.argv[1])
got, conflicts = lists(sys.argv[2])
final = lambda pairs: {u: top for (u, s), top in sorted(pairs.items())}
a, b = final(ref), final(got)
print(sum(1 for u in set(a) | set(b) if a.get(u) != b.get(u)), conflicts)
PY
)
echo "kills that landed: $survived; users whose final top-K differs, conflicting (user_id, seq): $differing"
cmp -s "$work/reference.jsonl" "$work/deltas.jsonl" && cmp -s "$work/reference-dlq.jsonl" "$work/dlq.jsonl" \
  && echo "outputs byte-identical to the uninterrupted replay" || { echo "outputs DIFFER"; exit 1; }
