using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using StreamRec.Contracts.Events;
using StreamRec.Contracts.Outputs;
using StreamRec.Pipeline.Core;
using StreamRec.Pipeline.Decoding;
using StreamRec.Pipeline.Metrics;
using StreamRec.Pipeline.Options;
using StreamRec.Pipeline.State;

namespace StreamRec.Pipeline.Online;

/// <summary>
/// Online evaluation in the stream, outside the core's steps: for every room a sampled user enters, was that room
/// in the list the user holds (their latest delta), and at which rank; and where would plain popularity among the
/// rooms live at that moment have ranked it. An entry is a case exactly as in the offline <c>evaluate</c>
/// (<c>InteractionReplayer</c>): the first click of a visit (a run of one user's events on one live session of one
/// room) on a live room; new versus repeat by whether the user had engaged the streamer before; popularity ties
/// broken by room id, lower first.
/// </summary>
/// <remarks>
/// Threads: <see cref="BeforeUserEvent"/> runs on the partitions' threads while the core applies a batch (room state is
/// read-only then); <see cref="ObserveDeltas"/> runs on the stream's thread after the core has finished the batch, so a
/// user's held list is the one published before the events being judged. Memory is bounded by the sample:
/// a visit and a list per tracked user, and a fixed window of cases.
/// </remarks>
public sealed class OnlineEvaluation : IUserEventObserver, IOnlineEvaluationSource
{
    private const int SampleBuckets = 1 << 16;

    private static readonly KeyValuePair<string, object?> Model = new("ranker", "model");
    private static readonly KeyValuePair<string, object?> Popular = new("ranker", "popularity");

    private readonly OnlineEvaluationOptions _options;
    private readonly PipelineOptions _pipeline;
    private readonly PipelineState _state;
    private readonly int _threshold;
    private readonly ConcurrentDictionary<int, (int Room, long Session)> _visits = new();
    private readonly ConcurrentDictionary<string, string[]> _held = new(StringComparer.Ordinal);
    private readonly (int Model, int Popularity, bool Repeat)[] _window;
    private readonly Lock _lock = new();
    private RankTally _modelTotal;
    private RankTally _popularityTotal;
    private int _next;
    private int _filled;
    private long _withoutList;
    private long _untracked;

    public OnlineEvaluation(OnlineEvaluationOptions options, PipelineOptions pipeline, PipelineState state)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentNullException.ThrowIfNull(state);
        _options = options.Validate();
        _pipeline = pipeline;
        _state = state;
        _threshold = (int)Math.Round(options.SampleRate * SampleBuckets);
        _window = new (int, int, bool)[options.Window];
    }

    public long Cases
    {
        get
        {
            lock (_lock)
            {
                return _modelTotal.Cases;
            }
        }
    }

    public IEnumerable<Measurement<double>> HitRatios
    {
        get
        {
            var reading = Read();
            foreach (var (ranker, scores) in new[] { (Model, reading.Model), (Popular, reading.Popularity) })
            {
                yield return new Measurement<double>(scores.H1, ranker, new("k", 1), new("segment", "all"));
                yield return new Measurement<double>(scores.H10, ranker, new("k", 10), new("segment", "all"));
                yield return new Measurement<double>(scores.H10NewStreamer, ranker, new("k", 10), new("segment", "new"));
                yield return new Measurement<double>(scores.H10RepeatStreamer, ranker, new("k", 10), new("segment", "repeat"));
            }
        }
    }

    public IEnumerable<Measurement<double>> Ndcg
    {
        get
        {
            var reading = Read();
            yield return new Measurement<double>(reading.Model.Ndcg10, Model);
            yield return new Measurement<double>(reading.Popularity.Ndcg10, Popular);
        }
    }

    /// <summary>Whether <paramref name="userId"/> is in the sample (a stable hash of the id, so the same users everywhere).</summary>
    public bool IsSampled(string userId)
    {
        ArgumentNullException.ThrowIfNull(userId);

        // FNV-1a: stable across processes and runtimes, unlike string.GetHashCode.
        var hash = 2166136261u;
        foreach (var c in userId)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return (int)((hash ^ (hash >> 16)) & (SampleBuckets - 1)) < _threshold;
    }

    public void BeforeUserEvent(in EventRecord e, UserState? user)
    {
        var name = _state.Ids.Users.NameOf(e.User);
        if (!IsSampled(name))
        {
            return;
        }

        var room = _state.Rooms.FindRoom(e.Room);
        var session = room is { IsLive: true } ? room.StartTs : long.MinValue;
        if (_visits.TryGetValue(e.User, out var visit) && visit.Room == e.Room && visit.Session == session)
        {
            return;
        }

        if (!_visits.ContainsKey(e.User) && _visits.Count >= _options.MaxTrackedUsers)
        {
            Interlocked.Increment(ref _untracked);
            return;
        }

        _visits[e.User] = (e.Room, session);
        if (e.Kind != EventKind.Click || session == long.MinValue)
        {
            return;
        }

        var repeat = user?.HasAffinity(e.Streamer) ?? false;
        var held = _held.TryGetValue(name, out var list) ? list : null;
        var modelRank = int.MaxValue;
        if (held is not null)
        {
            var index = Array.IndexOf(held, _state.Ids.Rooms.NameOf(e.Room));
            modelRank = index < 0 ? int.MaxValue : index + 1;
        }

        var popularityRank = PopularityRank(e.Room, e.Ts);
        lock (_lock)
        {
            _withoutList += held is null ? 1 : 0;
            _modelTotal.Add(modelRank, repeat);
            _popularityTotal.Add(popularityRank, repeat);
            _window[_next] = (modelRank, popularityRank, repeat);
            _next = (_next + 1) % _window.Length;
            _filled = Math.Min(_filled + 1, _window.Length);
        }
    }

    /// <summary>Takes the lists of a batch's deltas as the sampled users' held lists.</summary>
    public void ObserveDeltas(IReadOnlyList<RecommendationDelta> deltas)
    {
        ArgumentNullException.ThrowIfNull(deltas);
        foreach (var delta in deltas)
        {
            if (!IsSampled(delta.UserId) || (!_held.ContainsKey(delta.UserId) && _held.Count >= _options.MaxTrackedUsers))
            {
                continue;
            }

            var top = new string[delta.Top.Count];
            for (var i = 0; i < top.Length; i++)
            {
                top[i] = delta.Top[i].RoomId;
            }

            _held[delta.UserId] = top;
        }
    }

    public OnlineEvaluationReading Read()
    {
        lock (_lock)
        {
            var model = default(RankTally);
            var popularity = default(RankTally);
            for (var i = 0; i < _filled; i++)
            {
                var (m, p, repeat) = _window[i];
                model.Add(m, repeat);
                popularity.Add(p, repeat);
            }

            return new OnlineEvaluationReading
            {
                Cases = _modelTotal.Cases,
                NewCases = _modelTotal.NewCases,
                RepeatCases = _modelTotal.Cases - _modelTotal.NewCases,
                WithoutList = _withoutList,
                Untracked = Interlocked.Read(ref _untracked),
                WindowCases = _filled,
                Model = model.Scores(),
                Popularity = popularity.Scores(),
                ModelTotal = _modelTotal.Scores(),
                PopularityTotal = _popularityTotal.Scores(),
            };
        }
    }

    /// <summary>Rank of <paramref name="target"/> among the live rooms by decayed popularity at <paramref name="ts"/>.</summary>
    private int PopularityRank(int target, long ts)
    {
        var halfLife = _pipeline.PopularityHalfLife;
        var score = (float)_state.Rooms.FindRoom(target)!.Popularity.At(ts, halfLife);
        var rank = 1;
        foreach (var live in _state.Rooms.LiveRooms)
        {
            var room = _state.Rooms.FindRoom(live);
            if (room is null || live == target)
            {
                continue;
            }

            var popularity = (float)room.Popularity.At(ts, halfLife);
            if (popularity > score || (popularity == score && live < target))
            {
                rank++;
            }
        }

        return rank;
    }
}
