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

    /// <summary>Exposure per method name (coverage of live rooms, Gini of impressions across streamers).</summary>
    public IReadOnlyDictionary<string, ExposureScores> Exposure { get; init; } = new Dictionary<string, ExposureScores>();
}
