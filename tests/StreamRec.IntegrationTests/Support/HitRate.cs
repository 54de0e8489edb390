using StreamRec.Contracts.Events;
using StreamRec.Contracts.Outputs;

namespace StreamRec.IntegrationTests.Support;

/// <summary>
/// What a consumer of the deltas would show: at each user's first click of a visit (after a warm-up), is
/// the clicked room in that user's latest top-K? Compared with plain popularity: the K live rooms with the
/// highest decayed engagement at that moment.
/// </summary>
internal static class HitRate
{
    public static (int Cases, double Pipeline, double Popularity) Measure(IReadOnlyList<LiveEvent> log, IReadOnlyList<RecommendationDelta> deltas, int k, TimeSpan warmUp)
    {
        var halfLife = TimeSpan.FromMinutes(10).TotalMilliseconds;
        var ordered = deltas.OrderBy(d => d.Ts).ToList();
        var latest = new Dictionary<string, HashSet<string>>();
        var popularity = new Dictionary<string, (double Value, long Ts)>();
        var live = new HashSet<string>();
        var lastRoom = new Dictionary<string, string>();
        var from = log[0].Ts + (long)warmUp.TotalMilliseconds;
        int next = 0, cases = 0, hits = 0, popularHits = 0;
        foreach (var e in log)
        {
            for (; next < ordered.Count && ordered[next].Ts < e.Ts; next++)
            {
                latest[ordered[next].UserId] = [.. ordered[next].Top.Select(t => t.RoomId)];
            }

            switch (e)
            {
                case RoomStartEvent s:
                    live.Add(s.RoomId);
                    break;
                case RoomStopEvent s:
                    live.Remove(s.RoomId);
                    break;
                case ClickEvent c:
                    if (c.Ts >= from && lastRoom.GetValueOrDefault(c.UserId) != c.RoomId)
                    {
                        cases++;
                        hits += latest.GetValueOrDefault(c.UserId)?.Contains(c.RoomId) == true ? 1 : 0;
                        var popular = live.OrderByDescending(r => Decayed(popularity, r, c.Ts, halfLife)).ThenBy(r => r, StringComparer.Ordinal).Take(k);
                        popularHits += popular.Contains(c.RoomId) ? 1 : 0;
                    }

                    lastRoom[c.UserId] = c.RoomId;
                    popularity[c.RoomId] = (Decayed(popularity, c.RoomId, c.Ts, halfLife) + 1, c.Ts);
                    break;
                default:
                    break;
            }
        }

        return (cases, (double)hits / cases, (double)popularHits / cases);
    }

    private static double Decayed(Dictionary<string, (double Value, long Ts)> popularity, string room, long now, double halfLife) =>
        popularity.TryGetValue(room, out var p) ? p.Value * Math.Pow(2, -(now - p.Ts) / halfLife) : 0;
}
