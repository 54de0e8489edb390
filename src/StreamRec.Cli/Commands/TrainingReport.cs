using System.Text.Json.Serialization;
using StreamRec.Ranking.Evaluation;

namespace StreamRec.Cli.Commands;

/// <summary>
/// What <c>streamrec train</c> prints: the model written, the objective and trainer kept, and each candidate's
/// validation scores keyed <c>objective-trainer</c> (for example <c>ranking-lightgbm</c>).
/// </summary>
internal sealed record TrainingReport(
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("version")] string Version,
    [property: JsonPropertyName("objective")] string Objective,
    [property: JsonPropertyName("trainer")] string Trainer,
    [property: JsonPropertyName("training_cases")] long TrainingCases,
    [property: JsonPropertyName("training_rows")] long TrainingRows,
    [property: JsonPropertyName("validation_cases")] long ValidationCases,
    [property: JsonPropertyName("validation")] IReadOnlyDictionary<string, RankingScores> Validation);
