#!/usr/bin/env bash
# Crash harness for `run --state-dir` against the embedded broker, the Kafka half of crash-harness.sh.
# One broker holds the log. An uninterrupted `run` on a second broker is the reference (itself checked against
# the file replay). Then one instance, always the same group and state directory, is SIGKILLed at random
# moments (start-up, waiting for partitions, restoring, mid-stream) and restarted, until a last start runs to
# caught-up. Everything on recs.deltas is then read back and checked: every user's final list (highest seq)
# equals the reference's, and no (user_id, seq) carries two different lists. Needs kcat (.ci/run installs it).
# Usage: benchmarks/run-crash-harness.sh [KILLS=12] [USERS=1500] [ROOMS=100] [HOURS=1] [SEED=$RANDOM]
# KEEP=DIR keeps the logs, state directories and captured topics in DIR for a look afterwards.
# The log is sized so every topic partition, restarts' duplicates included, stays far inside the embedded
# broker's ~5 MB window; the verifier fails if any partition lost its start to retention.
set -euo pipefail
kills=${1:-12} users=${2:-1500} rooms=${3:-100} hours=${4:-1} seed=${5:-$RANDOM}
partitions=4
root=$(cd "$(dirname "$0")/.." && pwd)
work=${KEEP:-$(mktemp -d)}
mkdir -p "$work"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; [ -n "${KEEP:-}" ] || rm -rf "$work"; }
trap cleanup EXIT
command -v kcat >/dev/null || { echo "kcat is needed to read the topics back (apt-get install kcat)"; exit 2; }
echo "seed $seed (kill points; pass it as the 5th argument to repeat them)"
RANDOM=$seed

dotnet build "$root/src/StreamRec.Cli" -c Release -v quiet -nologo >"${TMPDIR:-/tmp}/streamrec-harness-build.log" 2>&1 || { echo "the build failed:"; grep -E "error" "${TMPDIR:-/tmp}/streamrec-harness-build.log" | sort -u | head -20; exit 1; }
cli=(dotnet "$root/src/StreamRec.Cli/bin/Release/net10.0/streamrec.dll")
"${cli[@]}" simulate --users "$users" --rooms "$rooms" --hours "$hours" --seed 3 --out "$work/log.jsonl" 2>/dev/null
# A merge that waits for every partition, and no idle watermark (event time moved by the wall clock once input
# stops): the order and the re-ranks are the data's alone, so runs and the file replay are comparable.
# A 6 s session timeout: a restart after SIGKILL waits for the dead member's session (45 s by default).
# Batches of 256: checkpoints are taken between batches, and with the default 4096 a restart reads what is left of
# this small log in one batch, so a kill always landed before its first checkpoint and every restart redid it all.
cat >"$work/settings.json" <<'JSON'
{"Kafka": {"MergeWait": "00:00:30", "PartitionIdleTimeout": "00:00:30", "PollTimeout": "00:00:00.020",
           "CommitInterval": "00:00:00.200", "IdleWatermarkAfter": "01:00:00",
           "Consumer": {"fetch.wait.max.ms": "20", "session.timeout.ms": "6000"}},
 "Pipeline": {"CheckpointInterval": "00:00:00.500", "BatchSize": 256}, "Http": {"Port": 0}}
JSON

broker() { # starts an embedded broker; its bootstrap address is then in $bootstrap
  "${cli[@]}" broker --port "$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')" \
    --partitions "$partitions" >"$work/broker-$1.out" 2>"$work/broker-$1.err" &
  pids+=($!)
  for _ in $(seq 300); do [ -s "$work/broker-$1.out" ] && { bootstrap=$(head -1 "$work/broker-$1.out"); return; }; sleep 0.1; done
  echo "broker $1 did not start: $(cat "$work/broker-$1.err")" >&2; exit 1
}
produced() { # records on recs.deltas so far: asked of the broker, or counted by the follower below
  if [ "$1" = "$crashed" ] && [ -n "${follower:-}" ]; then wc -l <"$work/followed.tsv"; return; fi
  kcat -b "$1" -C -t recs.deltas -o -1 -e -q -f '%p %o\n' 2>/dev/null |
    awk '$2 >= end[$1] {end[$1] = $2 + 1} END {for (p in end) n += end[p]; print n + 0}'
}
run() { exec "${cli[@]}" run --bootstrap-servers "$1" --group-id crash --instance-id crash --config "$work/settings.json" \
  --state-dir "$2" --exit-when-caught-up >/dev/null; }
# Partition, offset, key, value size (-1: a tombstone), value; the changelog's binary values are left out.
capture() { kcat -b "$1" -C -t "$2" -o beginning -e -q -f "%p\t%o\t%k\t%S${4:-}\n" >"$3"; }

"${cli[@]}" replay --input "$work/log.jsonl" --out "$work/replay.jsonl" --config "$work/settings.json" \
  --partitions "$partitions" >/dev/null 2>&1
broker reference; reference=$bootstrap
broker crashed; crashed=$bootstrap
"${cli[@]}" produce --input "$work/log.jsonl" --bootstrap-servers "$reference" >/dev/null 2>&1
"${cli[@]}" produce --input "$work/log.jsonl" --bootstrap-servers "$crashed" >/dev/null 2>&1
start=$(date +%s.%N)
(run "$reference" "$work/reference-state" 2>"$work/reference.log") || { echo "the uninterrupted run failed:"; tail -20 "$work/reference.log"; exit 1; }
full=$(echo "$(date +%s.%N) - $start" | bc)
total=$(produced "$reference")
echo "log: $(wc -l <"$work/log.jsonl") events; uninterrupted run: ${full}s, $total deltas"

# A consumer follows recs.deltas while the kills happen, so a kill point "N more deltas" is seen at once.
kcat -b "$crashed" -C -t recs.deltas -o beginning -q -u -f '%p\n' >"$work/followed.tsv" 2>/dev/null &
pids+=($!) follower=$!
start=$(date +%s)
landed=0 i=0
# Until KILLS kills landed: a start may finish before its kill point (then the next start tries again).
while [ "$landed" -lt "$kills" ] && [ "$i" -lt $((kills * 3)) ]; do
  i=$((i + 1))
  (run "$crashed" "$work/state" 2>"$work/run-$i.log") &
  pid=$!
  before=$(produced "$crashed")
  if [ "$i" -gt 1 ] && [ $((RANDOM % 3)) -eq 0 ]; then
    # Early, in a restart: start-up, the wait for the dead member's session (6 s), the restore.
    delay=$(echo "scale=1; $((RANDOM % 100)) * 8 / 100" | bc)
    point="${delay}s after start"
    sleep "$delay"
  else
    # Mid-stream: once this start has added 20-100% of a KILLS-th of the uninterrupted run's deltas (re-sent ones
    # count too, so every start gets past them), which leaves work for every kill (bounded: a hang fails).
    grow=$(( total / kills * (RANDOM % 80 + 20) / 100 + 1 ))
    point="after $grow more deltas"
    deadline=$(( $(date +%s) + 120 ))
    while kill -0 "$pid" 2>/dev/null && [ "$(produced "$crashed")" -lt $((before + grow)) ]; do
      [ "$(date +%s)" -lt "$deadline" ] || { echo "start $i: no progress in 120 s"; tail -20 "$work/run-$i.log"; exit 1; }
      sleep 0.05
    done
  fi
  if kill -9 "$pid" 2>/dev/null; then landed=$((landed + 1)); outcome=killed; else outcome="had exited"; fi
  rc=0; wait "$pid" 2>/dev/null || rc=$?
  # A start that ended by itself must have ended well: caught up, exit 0.
  [ "$outcome" = killed ] || [ "$rc" -eq 0 ] || { echo "start $i exited $rc:"; tail -20 "$work/run-$i.log"; exit 1; }
  opened=$(grep -o 'restored [A-Za-z]*, [0-9]* stored input positions, [0-9]* users, [0-9]* deltas' "$work/run-$i.log" | head -1 || true)
  echo "start $i: ${outcome} ${point} (recs.deltas ${before} -> $(produced "$crashed"); state: ${opened:-not opened})"
done
if ! (run "$crashed" "$work/state" 2>"$work/final.log"); then
  echo "the final run failed:"; tail -20 "$work/final.log"; exit 1
fi
elapsed=$(( $(date +%s) - start ))
[ "$landed" -ge "$kills" ] || { echo "FAIL: only $landed kills landed in $i starts"; exit 1; }
logs=("$work"/run-*.log "$work/final.log")
# cat | grep -c: no match is a count of 0, not a failure that set -e would stop the harness on.
restored=$(cat "${logs[@]}" | grep -c 'restored from streamrec.changelog' || true) kept=$(cat "${logs[@]}" | grep -c 'kept, its state is up to date' || true)
echo "kills that landed: $landed in $i starts; ${elapsed}s from the first start to caught-up; partitions restored from the changelog: $restored, kept from the local store: $kept"

capture "$reference" recs.deltas "$work/reference.tsv" '\t%s'
capture "$crashed" recs.deltas "$work/crashed.tsv" '\t%s'
capture "$crashed" streamrec.changelog "$work/changelog.tsv"
python3 - "$work/replay.jsonl" "$work/reference.tsv" "$work/crashed.tsv" "$work/changelog.tsv" <<'PY'
import json, sys
from collections import defaultdict

def read(path):
    """(user, seq) -> the lists seen for it, in order; a tombstone is a withdrawn list with no seq."""
    deltas, starts, sizes = [], {}, defaultdict(int)
    for line in open(path, encoding="utf-8"):
        part, offset, key, size, *value = line.rstrip("\n").split("\t", 4)
        starts.setdefault(part, int(offset))
        sizes[part] += max(int(size), 0) + len(key)
        d = json.loads(value[0]) if value and int(size) >= 0 else {"user_id": key, "seq": None, "top": None}
        deltas.append(d)
    return deltas, starts, sizes

def pairs(deltas):
    seen = defaultdict(list)
    for d in deltas:
        if d["seq"] is not None and d["top"] not in seen[(d["user_id"], d["seq"])]:
            seen[(d["user_id"], d["seq"])].append(d["top"])
    return seen

def final(deltas):
    last = {}
    for d in deltas:  # per key the topic keeps order, so the last seen is the newest
        if d["seq"] is None or d["seq"] >= last.get(d["user_id"], (0, None))[0]:
            last[d["user_id"]] = (d["seq"] or 0, d["top"])
    return {u: top for u, (_, top) in last.items()}

failed = False
def check(ok, message):
    global failed
    failed |= not ok
    print(("ok:   " if ok else "FAIL: ") + message)

replay = {(d["user_id"], d["seq"]): d["top"] for d in map(json.loads, open(sys.argv[1]))}
reference, ref_starts, _ = read(sys.argv[2])
crashed, starts, sizes = read(sys.argv[3])
_, log_starts, log_sizes = read(sys.argv[4])
ref_pairs, got_pairs = pairs(reference), pairs(crashed)

off = sum(1 for k, lists in ref_pairs.items() if lists != [replay.get(k)])
check(off == 0, f"uninterrupted run agrees with the file replay: {off} of {len(ref_pairs)} (user_id, seq) differ")
for name, s, z in (("recs.deltas", starts, sizes), ("streamrec.changelog", log_starts, log_sizes)):
    check(all(o == 0 for o in s.values()),
          f"{name}: nothing lost to retention (start offsets {sorted(s.values())}, largest partition {max(z.values()) / 1e6:.2f} MB)")
conflicts = sum(1 for lists in got_pairs.values() if len(lists) > 1)
check(conflicts == 0, f"conflicting (user_id, seq): {conflicts} of {len(got_pairs)}")
# A restore from the changelog fences seqs (what was sent after the last checkpoint is sent again under higher
# seqs), so a list is checked against the user's lists of the uninterrupted run, not the one at the same seq.
ref_lists = {}
for (user, _), lists in ref_pairs.items():
    ref_lists.setdefault(user, set()).update(json.dumps(top) for top in lists)
strays = sum(1 for (user, _), lists in got_pairs.items() if json.dumps(lists[0]) not in ref_lists.get(user, ()))
check(strays == 0, f"(user_id, seq) with a list the uninterrupted run never sent the user: {strays}")
a, b = final(reference), final(crashed)
differing = sorted(u for u in set(a) | set(b) if a.get(u, "absent") != b.get(u, "absent"))
check(not differing, f"users whose final list differs from the uninterrupted run: {len(differing)} of {len(a)}"
      + (f" (e.g. {', '.join(differing[:5])})" if differing else ""))
print(f"deltas read: {len(crashed)} after the kills, {len(reference)} uninterrupted "
      f"({len(crashed) - len(reference)} re-sent)")
sys.exit(1 if failed else 0)
PY
echo "harness: ${SECONDS}s in all"
