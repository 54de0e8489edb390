using Microsoft.Extensions.Logging;

namespace StreamRec.Ranking;

/// <summary>Log messages of the ranking components, with their event ids in one place (4000-4099).</summary>
internal static partial class RankingLog
{
    [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "Model {Path} swapped to version {Version} (was {Previous}); scoring uses it from the next round")]
    public static partial void ModelSwapped(ILogger logger, string path, string version, string previous);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Warning, Message = "Model {Path} changed on disk but could not be loaded; still scoring with version {Version}")]
    public static partial void ModelLoadFailed(ILogger logger, Exception error, string path, string version);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Information, Message = "Model {Path} is being replaced, waiting for both files: {Reason}")]
    public static partial void ModelFilesOutOfStep(ILogger logger, string path, string reason);

    [LoggerMessage(EventId = 4005, Level = LogLevel.Information, Message = "Model {Path} changed but could not be loaded; reported if still unchanged at the next poll: {Reason}")]
    public static partial void ModelLoadUnconfirmed(ILogger logger, string path, string reason);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Information, Message = "Loaded model {Path}, version {Version}")]
    public static partial void ModelLoaded(ILogger logger, string path, string version);

    [LoggerMessage(EventId = 4010, Level = LogLevel.Information, Message = "Replayed {Events} events: {TrainingCases} training visits ({Rows} rows) before {Split:O}, {ValidationCases} validation visits after")]
    public static partial void TrainingSetBuilt(ILogger logger, long events, long trainingCases, long rows, DateTimeOffset split, long validationCases);

    [LoggerMessage(EventId = 4011, Level = LogLevel.Information, Message = "Trained {Trainer} in {Elapsed}: validation H@1 {H1:F4}, H@10 {H10:F4}, NDCG@10 {Ndcg10:F4}")]
    public static partial void TrainerValidated(ILogger logger, Training.RankerCandidate trainer, TimeSpan elapsed, double h1, double h10, double ndcg10);

    [LoggerMessage(EventId = 4012, Level = LogLevel.Information, Message = "Wrote {Trainer} model {Version} to {Path}")]
    public static partial void ModelWritten(ILogger logger, Training.RankerCandidate trainer, string version, string path);
}
