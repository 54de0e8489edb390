using StreamRec.Contracts.Events;
using StreamRec.Pipeline.Options;
using StreamRec.Pipeline.Scoring;
using StreamRec.Pipeline.Steps;
using StreamRec.Ranking.Offline;

namespace StreamRec.Ranking.Evaluation;

/// <summary>
/// Ranks each case's live rooms by POP, REP and every given scorer and accumulates the metrics (the protocol of
/// Rappaz, McAuley and Aberer, RecSys 2021: availability-aware candidates, new versus repeat consumption).
/// </summary>
/// <remarks>
/// Scorers are called once per case with all of its candidates, as the pipeline calls them once per round. With
/// diversity options, every method's top 10 is re-ranked by the pipeline's <see cref="DiversityRerank"/> before it is
/// scored, so the metrics show what the controls cost; each method's exposure (coverage, Gini) shows what they buy.
/// </remarks>
public sealed class RankingEvaluator : IInteractionObserver
{
    /// <summary>Method name of the popularity baseline.</summary>
    public const string Popularity = "pop";

    /// <summary>Method name of the repeat-consumption baseline.</summary>
    public const string Recency = "rep";

    /// <summary>Suffix of a scorer's method that ranks only the candidates retrieval would have offered.</summary>
    public const string RetrievalSuffix = "+retrieval";

    /// <summary>Method name of the world's own ranking (only with the simulator's truth): the ceiling.</summary>
    public const string Oracle = "oracle";

    private readonly IReadOnlyList<(string Name, IScorer Scorer)> _scorers;
    private readonly Dictionary<string, RankingMetrics> _metrics = [];
    private readonly Dictionary<string, ExposureTally> _exposure = [];
    private readonly HashSet<int> _liveRooms = [];
    private readonly HashSet<int> _liveStreamers = [];
    private readonly ShownList _list;
    private readonly int[] _shownRooms = new int[ShownList.Size];
    private readonly int[] _shownStreamers = new int[ShownList.Size];
    private float[] _scores = new float[256];
    private readonly IReadOnlyDictionary<string, TruthRecord>? _truth;
    private long _retrieved;
    private long _seen;
    private bool _drifted;

    /// <param name="scorers">Scorers to compare with the baselines, by method name.</param>
    public RankingEvaluator(IReadOnlyList<(string Name, IScorer Scorer)> scorers)
        : this(scorers, truth: null)
    {
    }

    /// <param name="scorers">Scorers to compare with the baselines, by method name.</param>
    /// <param name="truth">
    /// The simulator's truth by click event id, or null. When given, only the cases with a truth record are ranked,
    /// by every method and by the <see cref="Oracle"/> (the world's true rank), and the drift segment is known.
    /// </param>
    /// <param name="diversity">Diversity controls applied to every method's top 10, or null (or off) for the plain rankings.</param>
    public RankingEvaluator(IReadOnlyList<(string Name, IScorer Scorer)> scorers, IReadOnlyDictionary<string, TruthRecord>? truth, DiversityOptions? diversity = null)
    {
        ArgumentNullException.ThrowIfNull(scorers);
        _scorers = scorers;
        _truth = truth;
        _list = new ShownList(diversity is { Enabled: true } ? new DiversityRerank(diversity) : null);
        _metrics[Popularity] = new RankingMetrics();
        _metrics[Recency] = new RankingMetrics();
        foreach (var (name, scorer) in scorers)
        {
            if (!scorer.FeatureNames.SequenceEqual(Pipeline.Features.FeatureExtractor.FeatureNames))
            {
                throw new ArgumentException($"Scorer '{name}' expects other features than the pipeline extracts.", nameof(scorers));
            }

            if (name == Oracle || !_metrics.TryAdd(name, new RankingMetrics()) || !_metrics.TryAdd(name + RetrievalSuffix, new RankingMetrics()))
            {
                throw new ArgumentException($"Method name '{name}' is used twice or reserved.", nameof(scorers));
            }
        }

        foreach (var method in _metrics.Keys)
        {
            _exposure[method] = new ExposureTally();
        }

        if (truth is not null)
        {
            _metrics[Oracle] = new RankingMetrics();
        }
    }

    public void OnCase(InteractionCase interaction)
    {
        ArgumentNullException.ThrowIfNull(interaction);
        _seen++;
        _drifted = false;
        if (_truth is not null)
        {
            if (interaction.EventId is not { } id || !_truth.TryGetValue(id, out var truth))
            {
                return;
            }

            _drifted = truth.Drifted;
            _metrics[Oracle].Add(truth.Rank, interaction.IsRepeat, _drifted);
        }

        foreach (var room in interaction.Rooms)
        {
            _liveRooms.Add(room);
        }

        foreach (var streamer in interaction.Streamers)
        {
            _liveStreamers.Add(streamer);
        }

        Record(Popularity, _list.ByPopularity(interaction), interaction);
        Record(Recency, _list.ByRecency(interaction), interaction);
        if (_scores.Length < interaction.Count)
        {
            _scores = new float[Math.Max(interaction.Count, _scores.Length * 2)];
        }

        var scores = _scores.AsSpan(0, interaction.Count);
        _retrieved += interaction.Retrieved[interaction.TargetIndex] ? 1 : 0;
        foreach (var (name, scorer) in _scorers)
        {
            scorer.Score(interaction.Features, interaction.Count, scores);
            Record(name, _list.ByScore(interaction, scores), interaction);

            // What the pipeline ranks: only the candidates retrieval offers, the rest below them all.
            for (var i = 0; i < scores.Length; i++)
            {
                scores[i] = interaction.Retrieved[i] ? scores[i] : float.NegativeInfinity;
            }

            Record(name + RetrievalSuffix, _list.ByScore(interaction, scores), interaction);
        }
    }

    /// <summary>The case's rank under one method, and the impressions of the list that method showed.</summary>
    private void Record(string method, int rank, InteractionCase interaction)
    {
        _metrics[method].Add(rank, interaction.IsRepeat, _drifted);
        var shown = _list.Shown;
        for (var i = 0; i < shown.Length; i++)
        {
            _shownRooms[i] = interaction.Rooms[shown[i]];
            _shownStreamers[i] = interaction.Streamers[shown[i]];
        }

        _exposure[method].Add(_shownRooms.AsSpan(0, shown.Length), _shownStreamers.AsSpan(0, shown.Length));
    }

    public void OnVisitEngagement(int caseId, EventKind kind)
    {
        // Only the click that starts a visit is a ranking decision.
    }

    public EvaluationResult Result()
    {
        var any = _metrics[Popularity];
        return new EvaluationResult(any.Cases, any.NewCases, any.RepeatCases, _metrics.ToDictionary(m => m.Key, m => m.Value.Summary()))
        {
            RetrievalRecall = any.Cases == 0 ? 0 : (double)_retrieved / any.Cases,
            DriftCases = any.DriftCases,
            CasesBeforeTruth = _truth is null ? null : _seen,
            Exposure = _exposure.ToDictionary(e => e.Key, e => e.Value.Summary(_liveRooms, _liveStreamers)),
        };
    }
}
