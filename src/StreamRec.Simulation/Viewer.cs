using StreamRec.Contracts.Events;

namespace StreamRec.Simulation;

/// <summary>
/// One simulated user: a latent taste over categories, an activity level and a repeat propensity.
/// Visits arrive as a Poisson process, plus "notified" visits soon after a favourite streamer goes live.
/// A visit goes back to a favourite streamer's live room or explores by popularity x taste.
/// </summary>
internal sealed class Viewer
{
    private const long Second = 1000;
    private const long Minute = 60 * Second;

    private readonly string _id;
    private readonly DeterministicRandom _random;
    private readonly double[] _taste = new double[LiveCommerceSimulator.Categories.Count];
    private readonly double _meanGap;
    private readonly double _repeat;
    private readonly Dictionary<string, int> _history = new(StringComparer.Ordinal);

    public Viewer(string id, DeterministicRandom random, double visitsPerHour)
    {
        _id = id;
        _random = random;
        for (var c = 0; c < _taste.Length; c++)
        {
            _taste[c] = 0.03;
        }

        var favourites = 1 + random.Next(3);
        for (var i = 0; i < favourites; i++)
        {
            _taste[random.Next(_taste.Length)] += random.Exponential(1.0);
        }

        _meanGap = 60.0 * Minute / (visitsPerHour * random.LogNormal(1.0, 0.7));
        _repeat = 0.45 + 0.4 * random.NextDouble();
    }

    public IEnumerable<LiveEvent> Events(IReadOnlyList<SimulatedRoom> rooms, IReadOnlyList<(long Ts, SimulatedRoom Room)> starts, long start, long end)
    {
        var visits = new PriorityQueue<(long Ts, SimulatedRoom? Target), (long, long)>();
        long order = 0;
        visits.Enqueue((start + (long)_random.Exponential(_meanGap), null), (0, order++));
        var nextStart = 0;
        var events = new List<LiveEvent>();
        while (visits.TryDequeue(out var visit, out _) && visit.Ts < end)
        {
            // Favourites going live before this visit may pull the user in.
            for (; nextStart < starts.Count && starts[nextStart].Ts <= visit.Ts; nextStart++)
            {
                var (ts, room) = starts[nextStart];
                if (_history.GetValueOrDefault(room.Streamer) >= 2 && _random.Chance(0.35))
                {
                    var at = ts + 1 + (long)_random.Exponential(2 * Minute);
                    visits.Enqueue((at, room), (at, order++));
                }
            }

            if (visit.Target is null)
            {
                var next = visit.Ts + 1 + (long)_random.Exponential(_meanGap);
                visits.Enqueue((next, null), (next, order++));
            }

            var chosen = visit.Target ?? Choose(rooms, visit.Ts);
            if (chosen?.SessionAt(visit.Ts) is { } session)
            {
                Watch(chosen, visit.Ts, Math.Min(session.Stop, end), events);
            }
        }

        return events;
    }

    private SimulatedRoom? Choose(IReadOnlyList<SimulatedRoom> rooms, long ts)
    {
        var live = rooms.Where(r => r.SessionAt(ts) is not null).ToArray();
        if (live.Length == 0)
        {
            return null;
        }

        var weights = new double[live.Length];
        if (_random.Chance(_repeat))
        {
            for (var i = 0; i < live.Length; i++)
            {
                weights[i] = Math.Pow(_history.GetValueOrDefault(live[i].Streamer), 1.5);
            }

            var favourite = _random.Pick(weights);
            if (favourite >= 0)
            {
                return live[favourite];
            }
        }

        for (var i = 0; i < live.Length; i++)
        {
            weights[i] = live[i].Popularity * Math.Pow(_taste[live[i].Category], 1.5);
        }

        return live[_random.Pick(weights)];
    }

    private void Watch(SimulatedRoom room, long from, long until, List<LiveEvent> events)
    {
        _history[room.Streamer] = _history.GetValueOrDefault(room.Streamer) + 1;
        var clicks = 1 + (int)_random.Exponential(2.0);
        var t = from;
        for (var i = 0; i < clicks && t < until; i++)
        {
            events.Add(new ClickEvent { EventId = string.Empty, Ts = t, UserId = _id, RoomId = room.Id, StreamerId = room.Streamer });
            if (_random.Chance(0.12))
            {
                var at = t + 1 + (long)_random.Exponential(10 * Second);
                if (at < until)
                {
                    events.Add(new CommentEvent
                    {
                        EventId = string.Empty, Ts = at, UserId = _id, RoomId = room.Id, StreamerId = room.Streamer,
                        Text = LiveCommerceSimulator.CommentText(_random),
                    });
                }
            }

            if (_random.Chance(0.02 * (0.5 + 2 * _taste[room.Category])))
            {
                var at = t + 1 + (long)_random.Exponential(20 * Second);
                if (at < until)
                {
                    events.Add(new PurchaseEvent
                    {
                        EventId = string.Empty, Ts = at, UserId = _id, RoomId = room.Id, StreamerId = room.Streamer,
                        ItemId = $"{room.Id}-item-{_random.Next(50)}", Price = 4.99m + _random.Next(196), Currency = "USD",
                        Quantity = _random.Chance(0.8) ? 1 : 2,
                    });
                }
            }

            t += 1 + (long)_random.Exponential(45 * Second);
        }
    }
}
