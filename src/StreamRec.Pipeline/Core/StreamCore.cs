using StreamRec.Pipeline.Batches;
using StreamRec.Pipeline.Features;
using StreamRec.Pipeline.Metrics;
using StreamRec.Pipeline.Options;
using StreamRec.Pipeline.Queries;
using StreamRec.Pipeline.Scoring;
using StreamRec.Pipeline.State;
using StreamRec.Pipeline.Steps;

namespace StreamRec.Pipeline.Core;

/// <summary>
/// The stateful core, and the one place that defines the order of its steps. Each batch (a slice of one
/// event-time tick) goes through these phases, each finished before the next starts:
/// <list type="number">
/// <item>rooms (coordinator): room_start/stop/update applied to the global room table and live-room index;</item>
/// <item>users (partitions in parallel): each user event through engagement, interest, affinity and coalescing;
/// the holders of stopped rooms are marked for promotion;</item>
/// <item>favourites (coordinator): a started room's most attached viewers, across partitions, are marked;</item>
/// </list>
/// and, when the batch closes a tick:
/// <list type="number">
/// <item>room aggregates (coordinator): the partitions' contributions merged, the live-room index re-ordered;</item>
/// <item>rounds (partitions in parallel): due users and promotions; retrieval and feature rows;</item>
/// <item>scoring (coordinator): one scorer call for every row of the tick;</item>
/// <item>explanations, by a model only (partitions in parallel, then one scorer call): ranked lists and occluded rows;</item>
/// <item>lists (partitions in parallel): ranked lists, deltas, holder index;</item>
/// </list>
/// and last, at a tick's close, the unit of work: each partition writes its users back to its store (in
/// parallel). Encoding rounds (the interest vector is quantized), so units of work end only at tick closes,
/// which event time defines: the output then does not depend on how the input was batched.
/// </summary>
public sealed class StreamCore : IDisposable
{
    /// <summary>Users per partition per scorer call; ticks of ordinary size never reach it.</summary>
    private const int ChunkUsers = 4096;

    private const long ExpiryScanMs = 3_600_000;

    private readonly PipelineState _state;
    private readonly IScorer? _scorer;
    private readonly ShortlistScorer? _shortlist;
    private readonly PipelineMetrics _metrics;
    private readonly RoomRegistryUpdate _registry;
    private readonly FavouriteFanout _fanout;
    private readonly RoomAggregateMerge _merge;
    private readonly PartitionWorker[] _workers;
    private readonly PartitionRunner _runner;
    private readonly long _ttlMs;
    private readonly List<(int Start, int Count)> _groups = [];
    private readonly int[] _offsets;
    private float[] _matrix = [];
    private float[] _scores = [];
    private readonly IScorer? _occlusionScorer;
    private readonly int[] _occludedOffsets;
    private float[] _occludedMatrix = [];
    private float[] _occludedScores = [];

    /// <param name="options">Validated pipeline options.</param>
    /// <param name="state">The instance's state; its partition count must match <paramref name="options"/>.</param>
    /// <param name="scorer">Scores feature rows; null to maintain state without ranking (offline replays).</param>
    /// <param name="metrics">Counters to update.</param>
    /// <param name="observer">Sees each user event before it is applied (offline replays, online evaluation), or null.</param>
    /// <param name="queries">Questions about user state, answered by each partition after its tick commits, or null.</param>
    public StreamCore(
        PipelineOptions options, PipelineState state, IScorer? scorer, PipelineMetrics metrics, IUserEventObserver? observer = null, UserQueries? queries = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(state);
        if (state.Partitions.Count != options.Partitions)
        {
            throw new ArgumentException($"State has {state.Partitions.Count} partitions; the options say {options.Partitions}.", nameof(state));
        }

        _state = state;
        _scorer = scorer;
        _shortlist = scorer is null or BaselineScorer or ShortlistScorer || options.ModelShortlist == 0 ? null : new ShortlistScorer(scorer, options.ModelShortlist);
        _metrics = metrics;
        _registry = new RoomRegistryUpdate(state);
        _fanout = new FavouriteFanout(options, state);
        _merge = new RoomAggregateMerge(options, state);
        var linearWeights = (scorer as BaselineScorer)?.Weights;
        _occlusionScorer = options.Explain && scorer is not null && linearWeights is null ? (scorer as ShortlistScorer)?.Ranker ?? scorer : null;
        _workers = [.. state.Partitions.Select(p => new PartitionWorker(options, state, p, observer, queries, linearWeights))];
        _offsets = new int[_workers.Length];
        _occludedOffsets = new int[_workers.Length];
        _runner = new PartitionRunner(_workers);
        _ttlMs = (long)options.UserTtl.TotalMilliseconds;
    }

    /// <summary>Applies one batch; its deltas are appended to <see cref="EventBatch.Deltas"/>.</summary>
    public void Process(EventBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Received is { } received)
        {
            _state.Exchange.Receive(received);
            if (batch.Events.Count == 0 && !batch.ClosesTick)
            {
                _merge.ApplyReceived(batch.Clock);
            }
        }

        _registry.Apply(batch);
        var ownership = _state.Ownership;
        foreach (var e in batch.Events)
        {
            if (e.IsUserEvent)
            {
                var partition = _state.PartitionMap.Of(e.User);

                // A partition revoked while its records were in flight: its next owner processes them from the changelog's state.
                if (ownership is null || ownership.IsOwned(partition))
                {
                    _workers[partition].Events.Add(e);
                }
            }
        }

        if (!batch.ClosesTick)
        {
            Run(w =>
            {
                w.ApplyEvents(batch.StoppedRooms);
                w.EndBatch(closesTick: false);
            });
            _fanout.Apply(batch.StartedRooms, batch.Clock);
            return;
        }

        Run(w => w.ApplyEvents(batch.StoppedRooms));
        _fanout.Apply(batch.StartedRooms, batch.Clock);
        _merge.Apply(batch.Clock, batch.Published);
        ExpireIdleUsers(batch.Clock);
        if (_scorer is not null)
        {
            Rank(batch);
        }
        else
        {
            Run(w =>
            {
                w.DiscardRound(batch.Clock, batch.IsFinal);
                w.EndBatch(closesTick: true);
            });
        }
    }

    /// <summary>Once per hour of event time, the partitions expire users idle past the TTL (deterministic in event time).</summary>
    private void ExpireIdleUsers(long clockMs)
    {
        var hour = clockMs / ExpiryScanMs;
        if (_ttlMs == 0 || hour <= _state.ExpiryScanHour)
        {
            return;
        }

        // No user is older than the first hour the core saw: until the TTL has passed since then, nobody can be idle past it.
        var first = _state.ExpiryScanHour == long.MinValue;
        _state.ExpiryScanHour = hour;
        if (first)
        {
            _state.ExpiryScanFrom = hour * ExpiryScanMs;
        }
        else if (clockMs - _ttlMs >= _state.ExpiryScanFrom)
        {
            Run(w => w.Expire(clockMs));
            _metrics.AddExpiredUsers(_workers.Sum(static w => w.ExpiredCount));
        }
    }

    private void Rank(EventBatch batch)
    {
        var clock = batch.Clock;
        Run(w =>
        {
            w.PrepareRound(clock, batch.IsFinal);
            w.BuildChunk(clock, ChunkUsers);
        });
        long rows = Score();
        ScoreOccluded();

        // One scorer call per tick; only a huge round (the end of a long input) is cut into chunks.
        while (_workers.Any(static w => w.HasMore))
        {
            Run(w =>
            {
                w.FinishChunk(Scores(w), OccludedScores(w), clock);
                w.BuildChunk(clock, ChunkUsers);
            });
            rows += Score();
            ScoreOccluded();
        }

        Run(w =>
        {
            w.FinishChunk(Scores(w), OccludedScores(w), clock);
            w.EndBatch(closesTick: true);
        });

        long reranks = 0, promotions = 0;
        foreach (var worker in _workers)
        {
            batch.Deltas.AddRange(worker.Deltas);
            reranks += worker.Ranked.Count;
            promotions += worker.PromotedCount;
        }

        _metrics.AddReranks(reranks, rows);
        _metrics.AddPromotions(promotions);
        _metrics.AddDeltas(batch.Deltas.Count);
    }

    /// <summary>This worker's slice of the chunk's scores.</summary>
    private ReadOnlySpan<float> Scores(PartitionWorker worker) =>
        _workers.Length == 1 ? _scores.AsSpan(0, worker.Scoring.Rows) : _scores.AsSpan(_offsets[worker.Index], worker.Scoring.Rows);

    private ReadOnlySpan<float> OccludedScores(PartitionWorker worker) =>
        _occlusionScorer is null ? [] : _occludedScores.AsSpan(_occludedOffsets[worker.Index], worker.Scoring.OccludedRows);

    /// <summary>
    /// Explanations by a model: the partitions rank their chunk and write each top-K room's occluded rows, and all of
    /// them are scored in one extra call (the explanation of a linear scorer needs none).
    /// </summary>
    private void ScoreOccluded()
    {
        if (_occlusionScorer is null)
        {
            return;
        }

        Run(w => w.RankChunk(Scores(w)));
        var width = FeatureExtractor.Count;
        var rows = 0;
        for (var p = 0; p < _workers.Length; p++)
        {
            _occludedOffsets[p] = rows;
            rows += _workers[p].Scoring.OccludedRows;
        }

        if (_occludedMatrix.Length < rows * width)
        {
            _occludedMatrix = new float[rows * width * 2];
            _occludedScores = new float[rows * 2];
        }

        for (var p = 0; p < _workers.Length; p++)
        {
            _workers[p].Scoring.Occluded.CopyTo(_occludedMatrix.AsSpan(_occludedOffsets[p] * width));
        }

        if (rows > 0)
        {
            _occlusionScorer.Score(_occludedMatrix.AsSpan(0, rows * width), rows, _occludedScores.AsSpan(0, rows));
        }
    }

    /// <summary>All partitions' rows in one matrix, one scorer call, so a model swap never splits a tick.</summary>
    private int Score()
    {
        var width = FeatureExtractor.Count;
        var rows = 0;
        _groups.Clear();
        for (var p = 0; p < _workers.Length; p++)
        {
            _offsets[p] = rows;
            foreach (var (start, count) in _workers[p].Scoring.Groups)
            {
                _groups.Add((rows + start, count));
            }

            rows += _workers[p].Scoring.Rows;
        }

        if (rows == 0)
        {
            return 0;
        }

        if (_scores.Length < rows)
        {
            _scores = new float[Math.Max(rows, _scores.Length * 2)];
        }

        ReadOnlySpan<float> matrix;
        if (_workers.Length == 1)
        {
            matrix = _workers[0].Scoring.Matrix;
        }
        else
        {
            if (_matrix.Length < rows * width)
            {
                _matrix = new float[Math.Max(rows, _matrix.Length / width * 2) * width];
            }

            for (var p = 0; p < _workers.Length; p++)
            {
                _workers[p].Scoring.Matrix.CopyTo(_matrix.AsSpan(_offsets[p] * width));
            }

            matrix = _matrix.AsSpan(0, rows * width);
        }

        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        if (_shortlist is null)
        {
            _scorer!.Score(matrix, rows, _scores.AsSpan(0, rows));
        }
        else
        {
            _shortlist.ScoreGroups(matrix, _groups, _scores.AsSpan(0, rows));
        }

        _metrics.AddScoring(_shortlist?.LastRankerRows ?? rows, System.Diagnostics.Stopwatch.GetTimestamp() - started);
        return rows;
    }

    /// <summary>Stops the partitions' threads.</summary>
    public void Dispose() => _runner.Dispose();

    private void Run(Action<PartitionWorker> phase) => _runner.Run(phase);
}
