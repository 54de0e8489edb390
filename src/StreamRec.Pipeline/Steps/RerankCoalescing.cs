using StreamRec.Pipeline.Batches;
using StreamRec.Pipeline.Numerics;
using StreamRec.Pipeline.Options;
using StreamRec.Pipeline.State;

namespace StreamRec.Pipeline.Steps;

/// <summary>
/// Decides who is re-ranked when. Each trigger sets a due time in event time; a user already pending keeps
/// the earlier one, so a burst of one user's events makes one re-rank. At every tick close, users due by
/// the batch's clock are released in (due, arrival) order.
/// Triggers: a user's own event (due after <see cref="PipelineOptions.CoalesceWindow"/>); a room_stop,
/// for every user whose list holds the room (due at once); a room_start, for the streamer's most
/// attached returning viewers, at most <see cref="PipelineOptions.FavouriteFanoutLimit"/> (due at once).
/// </summary>
public sealed class RerankCoalescing(PipelineOptions options, PipelineState state) : IPipelineStep
{
    private readonly PriorityQueue<int, (long Due, long Order)> _queue = new();
    private readonly Dictionary<int, long> _pending = [];
    private readonly long _window = (long)options.CoalesceWindow.TotalMilliseconds;
    private long _order;

    public void Apply(EventBatch batch)
    {
        foreach (var e in batch.Events)
        {
            if (e.IsUserEvent)
            {
                Mark(e.User, e.Ts + _window);
            }
        }

        foreach (var room in batch.StoppedRooms)
        {
            var holders = state.Rankings.Holders(room).ToArray();
            Array.Sort(holders);
            foreach (var user in holders)
            {
                Mark(user, batch.Clock);
            }
        }

        foreach (var room in batch.StartedRooms)
        {
            foreach (var user in Favourites(state.Rooms.GetOrAddRoom(room).Streamer, batch.Clock))
            {
                Mark(user, batch.Clock);
            }
        }

        if (batch.ClosesTick)
        {
            Release(batch);
        }
    }

    private void Mark(int user, long due)
    {
        if (_pending.TryGetValue(user, out var current) && current <= due)
        {
            return;
        }

        _pending[user] = due;
        _queue.Enqueue(user, (due, _order++));
    }

    private void Release(EventBatch batch)
    {
        while (_queue.TryPeek(out var user, out var key) && (batch.IsFinal || key.Due <= batch.Clock))
        {
            _queue.Dequeue();

            // A user re-marked earlier left a stale entry behind; only the live one counts.
            if (_pending.TryGetValue(user, out var due) && due == key.Due)
            {
                _pending.Remove(user);
                batch.Reranks.Add(user);
            }
        }
    }

    private IEnumerable<int> Favourites(int streamer, long now)
    {
        var viewers = streamer >= 0 ? state.Rooms.FindStreamer(streamer)?.Viewers : null;
        if (viewers is null || options.FavouriteFanoutLimit == 0)
        {
            return [];
        }

        var attached = new List<(double Affinity, int User)>();
        foreach (var user in viewers)
        {
            var affinity = state.Users.Find(user)?.Affinities.GetValueOrDefault(streamer);
            var value = affinity is null ? 0 : affinity.Engagement.At(now, options.AffinityHalfLife);
            if (value >= options.FavouriteMinAffinity)
            {
                attached.Add((value, user));
            }
        }

        // Most attached first; ties by id, so the bounded fan-out is deterministic.
        attached.Sort(static (a, b) => a.Affinity != b.Affinity ? b.Affinity.CompareTo(a.Affinity) : a.User.CompareTo(b.User));
        return attached.Take(options.FavouriteFanoutLimit).Select(static a => a.User);
    }
}
