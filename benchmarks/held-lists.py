#!/usr/bin/env python3
# Usage: benchmarks/held-lists.py LOG.jsonl DELTAS.jsonl  (a simulated log and a replay's --out of it)
"""Held-list hit rate: at each visit (a user's click on a room they had no event in for 30 min), was the room in
the latest top-10 the user held (the newest delta with ts < the click's)? Visits after a 30 min warm-up, and in the
last 20% of the log's time span."""
import json, sys
log, deltas = sys.argv[1], sys.argv[2]
events = []
t0 = t1 = None
with open(log) as f:
    for line in f:
        e = json.loads(line)
        ts = e["ts"]; t0 = ts if t0 is None else min(t0, ts); t1 = ts if t1 is None else max(t1, ts)
        if e["type"] in ("click", "comment", "purchase"):
            events.append((ts, 0, e["user_id"], e["room_id"], e["type"]))
held = []
with open(deltas) as f:
    for line in f:
        d = json.loads(line)
        held.append((d["ts"], 1, d["user_id"], [r["room_id"] for r in d["top"]][:10], d["seq"]))
# Deltas at the same ts as a click were computed after it: a click sees only deltas strictly before it.
stream = sorted(events + held, key=lambda x: (x[0], x[1]))
latest, last_touch = {}, {}
warm, tail = t0 + 30 * 60_000, t0 + 0.8 * (t1 - t0)
n = hits = nt = hitst = 0
for ts, kind, user, room, extra in stream:
    if kind == 1:
        latest[user] = room
        continue
    prev = last_touch.get((user, room))
    last_touch[(user, room)] = ts
    if extra != "click" or (prev is not None and ts - prev < 30 * 60_000) or ts < warm:
        continue
    hit = room in latest.get(user, ())
    n += 1; hits += hit
    if ts >= tail:
        nt += 1; hitst += hit
print(json.dumps({"visits": n, "held_h10": round(hits / max(n, 1), 4), "tail_visits": nt, "tail_held_h10": round(hitst / max(nt, 1), 4)}))
