using System.Text.Json.Serialization;
using StreamRec.Pipeline.Replay;

namespace StreamRec.Cli.Commands;

/// <summary>Source-generated JSON for what the commands print.</summary>
[JsonSerializable(typeof(ReplaySummary))]
[JsonSerializable(typeof(Bench.BenchReport))]
internal sealed partial class CliJson : JsonSerializerContext;
