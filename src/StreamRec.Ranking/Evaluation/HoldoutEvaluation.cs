using StreamRec.Pipeline.Options;
using StreamRec.Pipeline.Scoring;
using StreamRec.Ranking.Offline;

namespace StreamRec.Ranking.Evaluation;

/// <summary>Evaluates on the last part of a log's timeline, after replaying all of it to build the state.</summary>
public static class HoldoutEvaluation
{
    /// <param name="replayer">Reads the log.</param>
    /// <param name="logPath">The event log.</param>
    /// <param name="holdoutFraction">Fraction of the event-time span, at its end, whose visits are the test cases.</param>
    /// <param name="scorers">Scorers to compare with POP and REP, by method name.</param>
    /// <param name="cancellationToken">Stops the replay.</param>
    /// <param name="diversity">Diversity controls applied to every method's top 10, or null.</param>
    public static EvaluationResult Run(
        InteractionReplayer replayer,
        string logPath,
        double holdoutFraction,
        IReadOnlyList<(string Name, IScorer Scorer)> scorers,
        CancellationToken cancellationToken,
        DiversityOptions? diversity = null) => Run(replayer, logPath, holdoutFraction, scorers, truth: null, cancellationToken, diversity);

    /// <param name="replayer">Reads the log.</param>
    /// <param name="logPath">The event log.</param>
    /// <param name="holdoutFraction">Fraction of the event-time span, at its end, whose visits are the test cases.</param>
    /// <param name="scorers">Scorers to compare with POP and REP, by method name.</param>
    /// <param name="truth">The simulator's truth by click event id (see <see cref="RankingEvaluator"/>), or null.</param>
    /// <param name="cancellationToken">Stops the replay.</param>
    /// <param name="diversity">Diversity controls applied to every method's top 10, or null.</param>
    public static EvaluationResult Run(
        InteractionReplayer replayer,
        string logPath,
        double holdoutFraction,
        IReadOnlyList<(string Name, IScorer Scorer)> scorers,
        IReadOnlyDictionary<string, TruthRecord>? truth,
        CancellationToken cancellationToken,
        DiversityOptions? diversity = null)
    {
        ArgumentNullException.ThrowIfNull(replayer);
        var range = replayer.ScanTimeRange(logPath, cancellationToken);
        var evaluator = new RankingEvaluator(scorers, truth, diversity);
        replayer.Replay(logPath, range.SplitAt(holdoutFraction), evaluator, cancellationToken);
        return evaluator.Result();
    }
}
