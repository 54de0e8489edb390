using System.Text.Json;
using StreamRec.Contracts.Events;
using StreamRec.Contracts.Serialization;
using StreamRec.Pipeline.Batches;
using StreamRec.Pipeline.Decoding;
using StreamRec.Pipeline.Input;
using StreamRec.Pipeline.State;

namespace StreamRec.Pipeline.Tests.Support;

/// <summary>Builds test events as wire JSON and as decoded records against one state's id tables.</summary>
internal static class Ev
{
    /// <summary>A fixed event-time origin (2026-01-05 18:00 UTC).</summary>
    public const long T0 = 1767636000000;

    public static LiveEvent Click(long ts, string user, string room, string? streamer = null) =>
        new ClickEvent { EventId = $"c-{ts}-{user}", Ts = ts, UserId = user, RoomId = room, StreamerId = streamer ?? "s-" + room };

    public static LiveEvent Comment(long ts, string user, string room, string text, string? streamer = null) =>
        new CommentEvent { EventId = $"m-{ts}-{user}", Ts = ts, UserId = user, RoomId = room, StreamerId = streamer ?? "s-" + room, Text = text };

    public static LiveEvent Purchase(long ts, string user, string room, string? streamer = null) =>
        new PurchaseEvent
        {
            EventId = $"p-{ts}-{user}", Ts = ts, UserId = user, RoomId = room, StreamerId = streamer ?? "s-" + room,
            ItemId = "item", Price = 10m, Currency = "USD", Quantity = 1,
        };

    public static LiveEvent Start(long ts, string room, string category = "beauty", string? streamer = null) =>
        new RoomStartEvent { EventId = $"start-{ts}-{room}", Ts = ts, RoomId = room, StreamerId = streamer ?? "s-" + room, Category = category, Title = room };

    public static LiveEvent Stop(long ts, string room, string? streamer = null) =>
        new RoomStopEvent { EventId = $"stop-{ts}-{room}", Ts = ts, RoomId = room, StreamerId = streamer ?? "s-" + room };

    public static LiveEvent Forget(long ts, string user) => new UserForgetEvent { EventId = $"forget-{user}-{ts}", Ts = ts, UserId = user };

    public static string Json(LiveEvent e) => JsonSerializer.Serialize(e, ContractJson.Default.LiveEvent);

    /// <summary>A raw batch of the given lines, as a file source would produce.</summary>
    public static RawRecordBatch Raw(IEnumerable<string> lines, string file = "test.jsonl")
    {
        var batch = new RawRecordBatch();
        var line = 0;
        foreach (var text in lines)
        {
            var bytes = System.Text.Encoding.UTF8.GetBytes(text);
            batch.Add(bytes, bytes.Length, RecordOrigin.FileLine(file, ++line));
        }

        return batch;
    }

    /// <summary>Decodes events into records, interning their ids into <paramref name="state"/>.</summary>
    public static EventRecord Record(PipelineState state, LiveEvent e)
    {
        var decoder = new EventDecoder(state.Ids, 256, 0);
        Assert.True(decoder.TryDecode(System.Text.Encoding.UTF8.GetBytes(Json(e)), long.MaxValue, out var record, out var error), error.Message);
        return record;
    }

    /// <summary>One tick-closing batch holding <paramref name="events"/>, clocked at the newest of them.</summary>
    public static EventBatch Batch(PipelineState state, params LiveEvent[] events)
    {
        var batch = new EventBatch { ClosesTick = true };
        foreach (var e in events)
        {
            batch.Events.Add(Record(state, e));
        }

        batch.Clock = events.Length == 0 ? T0 : events.Max(e => e.Ts);
        return batch;
    }
}
