using StreamRec.Model.Manifest;
using StreamRec.Ranking.Evaluation;

namespace StreamRec.Ranking.Training;

/// <summary>What <see cref="RankerTrainer.Train"/> wrote and how each trainer did on the validation visits.</summary>
/// <param name="ModelPath">The ONNX model written; its manifest is next to it.</param>
/// <param name="Manifest">The manifest written.</param>
/// <param name="Trainer">The trainer whose model was kept.</param>
/// <param name="Validation">Validation scores per trainer tried.</param>
/// <param name="TrainingCases">Visits trained on.</param>
/// <param name="ValidationCases">Visits validated on.</param>
public sealed record RankerTrainingResult(
    string ModelPath,
    ModelManifest Manifest,
    RankerTrainerKind Trainer,
    IReadOnlyDictionary<RankerTrainerKind, RankingScores> Validation,
    long TrainingCases,
    long ValidationCases);
