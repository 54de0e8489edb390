using System.Text.Json.Serialization;
using StreamRec.Ranking.Evaluation;

namespace StreamRec.Cli.Commands;

/// <summary>What <c>streamrec train</c> prints: the model written and each trainer's validation scores.</summary>
internal sealed record TrainingReport(
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("version")] string Version,
    [property: JsonPropertyName("trainer")] string Trainer,
    [property: JsonPropertyName("training_cases")] long TrainingCases,
    [property: JsonPropertyName("training_rows")] long TrainingRows,
    [property: JsonPropertyName("validation_cases")] long ValidationCases,
    [property: JsonPropertyName("validation")] IReadOnlyDictionary<string, RankingScores> Validation);
