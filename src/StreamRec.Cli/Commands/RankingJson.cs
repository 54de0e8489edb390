using System.Text.Json.Serialization;

namespace StreamRec.Cli.Commands;

/// <summary>Source-generated JSON for what <c>train</c> and <c>evaluate</c> print.</summary>
[JsonSourceGenerationOptions(WriteIndented = false)]
[JsonSerializable(typeof(EvaluationReport))]
[JsonSerializable(typeof(TrainingReport))]
internal sealed partial class RankingJson : JsonSerializerContext;
