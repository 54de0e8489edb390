#!/usr/bin/env bash
# Rebuilds the default ranking model, models/ranker.onnx and its manifest, from scratch and reproducibly: simulates
# a 4-hour log of 5,000 users and 300 rooms with seed 7, then trains on it (binary and LambdaMART ranking objectives,
# each with FastTree and LightGBM, 25 trees of 8 leaves each; the best NDCG@10 on the last 20% of the timeline is kept). 25 x 8 is the cheapest size whose held-out H@10
# stayed within 0.01 of 200 x 24 on three unseen seeds while scoring ~6.7x the rows per second (README, "Ranking
# model"). The same SDK gives the same bytes. Evaluate it on a log of another seed with
#   dotnet run --project src/StreamRec.Cli -c Release -- simulate --users 5000 --rooms 300 --hours 4 --seed 11 --out /tmp/eval.jsonl
#   dotnet run --project src/StreamRec.Cli -c Release -- evaluate --input /tmp/eval.jsonl --model models/ranker.onnx
set -euo pipefail
cd "$(dirname "$0")/.."
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

dotnet build src/StreamRec.Cli -c Release -nologo -v quiet
streamrec=(dotnet src/StreamRec.Cli/bin/Release/net10.0/streamrec.dll)
"${streamrec[@]}" simulate --users 5000 --rooms 300 --hours 4 --seed 7 --out "$work/train.jsonl"
"${streamrec[@]}" train --input "$work/train.jsonl" --out models/ranker.onnx --objective auto --trainer auto --seed 7 --negatives 60 --trees 25 --leaves 8
