using System.Diagnostics.Metrics;

namespace StreamRec.Pipeline.Metrics;

/// <summary>The online evaluation's readings, as the instruments publish them.</summary>
public interface IOnlineEvaluationSource
{
    /// <summary>Room entries judged so far.</summary>
    long Cases { get; }

    /// <summary>Sliding-window hit ratios, tagged <c>ranker</c> (model, popularity), <c>k</c> (1, 10) and <c>segment</c> (all, new, repeat).</summary>
    IEnumerable<Measurement<double>> HitRatios { get; }

    /// <summary>Sliding-window NDCG@10, tagged <c>ranker</c>.</summary>
    IEnumerable<Measurement<double>> Ndcg { get; }
}
