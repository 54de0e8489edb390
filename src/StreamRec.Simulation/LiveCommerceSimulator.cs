using StreamRec.Contracts.Events;

namespace StreamRec.Simulation;

/// <summary>
/// Generates a live-commerce event log: rooms going live and offline in sessions, Zipf-like room
/// popularity, users with latent tastes over categories, strong repeat consumption of favourite
/// streamers, and comments and purchases at realistic lower rates. Seeded and deterministic.
/// </summary>
public sealed class LiveCommerceSimulator(SimulationOptions options)
{
    /// <summary>Product categories of the simulated platform.</summary>
    public static IReadOnlyList<string> Categories { get; } =
        ["beauty", "fashion", "electronics", "food", "home", "sports", "toys", "books", "jewelry", "health", "outdoors", "pets"];

    private static readonly string[] Comments =
        ["how much?", "link please", "love it", "what sizes?", "just bought one", "is it in stock?", "wow", "ship abroad?"];

    private readonly SimulationOptions _options = options.Validate();

    /// <summary>All events, in event-time order (room events before user events at the same instant).</summary>
    public IReadOnlyList<LiveEvent> Generate()
    {
        var random = new DeterministicRandom(_options.Seed);
        var start = _options.Start.ToUnixTimeMilliseconds();
        var end = start + (long)_options.Duration.TotalMilliseconds;
        var rooms = RoomWorld.Create(_options, random.Fork(1), start, end);
        var events = new List<(long Ts, long Order, LiveEvent Event)>();
        long order = 0;
        foreach (var room in rooms)
        {
            foreach (var e in RoomWorld.Events(room, random.Fork(2 + (ulong)order), start, end))
            {
                events.Add((e.Ts, order++, e));
            }
        }

        var starts = rooms.SelectMany(r => r.Sessions.Where(s => s.Start > start).Select(s => (s.Start, Room: r)))
            .OrderBy(s => s.Start).ThenBy(s => s.Room.Id, StringComparer.Ordinal).ToArray();
        var viewers = random.Fork(3);
        for (var u = 0; u < _options.Users; u++)
        {
            var viewer = new Viewer($"user-{u:D6}", viewers.Fork((ulong)u), _options.VisitsPerUserHour);
            foreach (var e in viewer.Events(rooms, starts, start, end))
            {
                events.Add((e.Ts, order++, e));
            }
        }

        events.Sort(static (a, b) => a.Ts != b.Ts ? a.Ts.CompareTo(b.Ts) : a.Order.CompareTo(b.Order));
        var result = new LiveEvent[events.Count];
        for (var i = 0; i < events.Count; i++)
        {
            result[i] = events[i].Event with { EventId = $"evt-{i + 1:D9}" };
        }

        return result;
    }

    internal static string CommentText(DeterministicRandom random) => Comments[random.Next(Comments.Length)];
}
