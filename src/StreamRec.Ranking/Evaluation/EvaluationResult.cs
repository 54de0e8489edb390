namespace StreamRec.Ranking.Evaluation;

/// <summary>The same held-out cases ranked by every method.</summary>
/// <param name="Cases">Cases ranked.</param>
/// <param name="NewCases">Cases where the user had never engaged the streamer.</param>
/// <param name="RepeatCases">Cases where the user had.</param>
/// <param name="Methods">Scores per method name (for example <c>model</c>, <c>pop</c>, <c>rep</c>, <c>baseline</c>).</param>
public sealed record EvaluationResult(long Cases, long NewCases, long RepeatCases, IReadOnlyDictionary<string, RankingScores> Methods)
{
    /// <summary>Share of cases whose chosen room was among the candidates retrieval offered.</summary>
    public double RetrievalRecall { get; init; }

    /// <summary>Cases whose user's taste had drifted (0 without the simulator's truth).</summary>
    public long DriftCases { get; init; }

    /// <summary>
    /// With the simulator's truth: the cases the replay found, of which <see cref="Cases"/> had a truth record and
    /// were the only ones ranked (every method, the oracle included, on the same cases). Null without the truth.
    /// </summary>
    public long? CasesBeforeTruth { get; init; }

    /// <summary>Share of the replay's cases that had a truth record; null without the truth.</summary>
    public double? TruthCoverage => CasesBeforeTruth is { } all ? (all == 0 ? 0 : (double)Cases / all) : null;

    /// <summary>Exposure per method name (coverage of live rooms, Gini of impressions across streamers).</summary>
    public IReadOnlyDictionary<string, ExposureScores> Exposure { get; init; } = new Dictionary<string, ExposureScores>();
}
