using StreamRec.Contracts.Events;

namespace StreamRec.Simulation;

/// <summary>The rooms of a simulation: hosts, categories, Zipf popularity and live sessions.</summary>
internal static class RoomWorld
{
    private const long Minute = 60_000;

    public static IReadOnlyList<SimulatedRoom> Create(SimulationOptions options, DeterministicRandom random, long start, long end)
    {
        var streamers = Math.Max(1, options.Rooms * 4 / 5);
        var streamerCategory = new int[streamers];
        Span<double> categoryWeights = stackalloc double[LiveCommerceSimulator.Categories.Count];
        for (var c = 0; c < categoryWeights.Length; c++)
        {
            categoryWeights[c] = 1.0 / (c + 1.5);
        }

        for (var s = 0; s < streamers; s++)
        {
            streamerCategory[s] = random.Pick(categoryWeights);
        }

        // Popularity follows Zipf's law over a random ranking of the rooms.
        var ranks = Enumerable.Range(0, options.Rooms).ToArray();
        for (var i = ranks.Length - 1; i > 0; i--)
        {
            var j = random.Next(i + 1);
            (ranks[i], ranks[j]) = (ranks[j], ranks[i]);
        }

        var rooms = new SimulatedRoom[options.Rooms];
        for (var r = 0; r < options.Rooms; r++)
        {
            var streamer = r % streamers;
            rooms[r] = new SimulatedRoom(
                $"room-{r:D5}", $"streamer-{streamer:D5}", streamerCategory[streamer],
                1.0 / Math.Pow(ranks[r] + 1, 0.9), Sessions(random, start, end));
        }

        return rooms;
    }

    private static List<(long Start, long Stop)> Sessions(DeterministicRandom random, long start, long end)
    {
        var sessions = new List<(long, long)>();
        var t = random.Chance(0.45) ? start - (long)random.Exponential(30 * Minute) : start + (long)random.Exponential(40 * Minute);
        while (t < end)
        {
            var length = (long)Math.Clamp(random.LogNormal(50 * Minute, 0.6), 10 * Minute, 240 * Minute);
            if (t + length > start)
            {
                sessions.Add((Math.Max(t, start), t + length));
            }

            t += length + (long)Math.Max(5 * Minute, random.Exponential(45 * Minute));
        }

        return sessions;
    }

    /// <summary>The room's start, update and stop events inside [start, end).</summary>
    public static IEnumerable<LiveEvent> Events(SimulatedRoom room, DeterministicRandom random, long start, long end)
    {
        var category = LiveCommerceSimulator.Categories[room.Category];
        var n = 0;
        foreach (var (from, to) in room.Sessions)
        {
            n++;
            yield return new RoomStartEvent
            {
                EventId = string.Empty, Ts = from, RoomId = room.Id, StreamerId = room.Streamer,
                Category = category, Title = $"{category} live #{n}",
            };
            if (random.Chance(0.3) && from + (to - from) / 2 < end)
            {
                yield return new RoomUpdateEvent
                {
                    EventId = string.Empty, Ts = from + (to - from) / 2, RoomId = room.Id, StreamerId = room.Streamer,
                    Title = $"{category} live #{n}: flash sale", Products = [$"{room.Id}-item-{random.Next(50)}"],
                };
            }

            if (to < end)
            {
                yield return new RoomStopEvent { EventId = string.Empty, Ts = to, RoomId = room.Id, StreamerId = room.Streamer };
            }
        }
    }
}
