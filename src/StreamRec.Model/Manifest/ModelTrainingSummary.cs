namespace StreamRec.Model.Manifest;

/// <summary>
/// What a model was trained from: the data window, its size and class balance, the trainer, and the metrics measured on
/// held-out data. Carried in the <see cref="ModelManifest"/> so an operator can tell one model file from another.
/// </summary>
/// <param name="TrainingRows">Number of labelled rows the trainer saw.</param>
/// <param name="Positives">How many of <paramref name="TrainingRows"/> were positive (clicked, engaged, ...).</param>
/// <param name="WindowStart">Event time of the oldest training row (inclusive).</param>
/// <param name="WindowEnd">Event time of the newest training row (inclusive).</param>
/// <param name="TrainerName">Trainer and its notable settings, for example <c>FastTreeBinary(trees=100, leaves=20)</c>.</param>
/// <param name="ValidationMetrics">Metric name to value on the validation set, for example <c>auc</c> or <c>logLoss</c>.</param>
public sealed record ModelTrainingSummary(
    long TrainingRows,
    long Positives,
    DateTimeOffset WindowStart,
    DateTimeOffset WindowEnd,
    string TrainerName,
    IReadOnlyDictionary<string, double> ValidationMetrics);
