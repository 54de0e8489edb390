using System.Text.Json;
using StreamRec.Contracts.Events;
using StreamRec.Contracts.Outputs;
using StreamRec.Contracts.Serialization;

namespace StreamRec.IntegrationTests.Support;

/// <summary>Reads logs and delta files the way an independent consumer would, to check the pipeline's claims.</summary>
internal static class LogFacts
{
    public static List<LiveEvent> ReadLog(string path) =>
        [.. File.ReadLines(path).Select(l => JsonSerializer.Deserialize(l, ContractJson.Default.LiveEvent)!)];

    public static List<RecommendationDelta> ReadDeltas(string path) =>
        [.. File.ReadLines(path).Select(l => JsonSerializer.Deserialize(l, ContractJson.Default.RecommendationDelta)!)];

    /// <summary>Each room's live intervals [start, stop) according to the log.</summary>
    public static Dictionary<string, List<(long Start, long Stop)>> LiveIntervals(IEnumerable<LiveEvent> log)
    {
        var intervals = new Dictionary<string, List<(long, long)>>();
        var open = new Dictionary<string, long>();
        foreach (var e in log)
        {
            if (e is RoomStartEvent start)
            {
                open.TryAdd(start.RoomId, start.Ts);
            }
            else if (e is RoomStopEvent stop && open.Remove(stop.RoomId, out var from))
            {
                Intervals(intervals, stop.RoomId).Add((from, stop.Ts));
            }
        }

        foreach (var (room, from) in open)
        {
            Intervals(intervals, room).Add((from, long.MaxValue));
        }

        return intervals;
    }

    public static bool IsLive(Dictionary<string, List<(long Start, long Stop)>> intervals, string room, long ts) =>
        intervals.TryGetValue(room, out var list) && list.Any(i => i.Start <= ts && ts < i.Stop);

    private static List<(long, long)> Intervals(Dictionary<string, List<(long, long)>> intervals, string room)
    {
        if (!intervals.TryGetValue(room, out var list))
        {
            intervals[room] = list = [];
        }

        return list;
    }
}
