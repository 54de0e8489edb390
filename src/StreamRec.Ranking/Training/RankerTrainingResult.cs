using StreamRec.Model.Manifest;
using StreamRec.Ranking.Evaluation;

namespace StreamRec.Ranking.Training;

/// <summary>What <see cref="RankerTrainer.Train"/> wrote and how each candidate did on the validation visits.</summary>
/// <param name="ModelPath">The ONNX model written; its manifest is next to it.</param>
/// <param name="Manifest">The manifest written.</param>
/// <param name="Chosen">The candidate (objective and trainer) whose model was kept.</param>
/// <param name="Validation">Validation scores per candidate tried, in the order tried.</param>
/// <param name="TrainingCases">Visits trained on.</param>
/// <param name="ValidationCases">Visits validated on.</param>
public sealed record RankerTrainingResult(
    string ModelPath,
    ModelManifest Manifest,
    RankerCandidate Chosen,
    IReadOnlyDictionary<RankerCandidate, RankingScores> Validation,
    long TrainingCases,
    long ValidationCases);
