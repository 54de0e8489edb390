using System.Text.Json;
using StreamRec.Contracts.Outputs;
using StreamRec.Contracts.Serialization;
using StreamRec.IntegrationTests.Support;
using StreamRec.Pipeline.Options;
using StreamRec.Pipeline.Replay;
using StreamRec.Pipeline.Scoring;
using StreamRec.Simulation;

namespace StreamRec.IntegrationTests;

public sealed class BadInputReplayTests : IDisposable
{
    private static readonly string[] BadLines =
    [
        "{\"type\":\"click\",\"event_id\":\"e\"",
        "this is not json",
        "",
        "   ",
        "[\"an\",\"array\"]",
        "{\"type\":\"click\",\"event_id\":\"e\",\"ts\":\"soon\",\"user_id\":\"u\",\"room_id\":\"r\",\"streamer_id\":\"s\"}",
        "{\"type\":\"hologram\",\"event_id\":\"e\",\"ts\":1767636000000,\"room_id\":\"r\",\"streamer_id\":\"s\"}",
        "{\"type\":\"click\",\"event_id\":\"e\",\"ts\":99999999999999,\"user_id\":\"u\",\"room_id\":\"r\",\"streamer_id\":\"s\"}",
        "{\"type\":\"purchase\",\"event_id\":\"e\",\"ts\":1767636000000,\"user_id\":\"u\",\"room_id\":\"r\",\"streamer_id\":\"s\",\"item_id\":\"i\",\"price\":1,\"currency\":\"USD\",\"quantity\":-3}",
        "{\"type\":\"click\",\"event_id\":\"e\",\"ts\":1767636000000,\"user_id\":\"" + new string('x', 100_000) + "\",\"room_id\":\"r\",\"streamer_id\":\"s\"}",
    ];

    private readonly string _directory = Directory.CreateTempSubdirectory("streamrec-bad-").FullName;

    [Fact]
    public async Task Replay_LogWithMalformedLinesMixedIn_DeadLettersExactlyThoseAndCountsEveryValidEvent()
    {
        var events = new LiveCommerceSimulator(new SimulationOptions { Users = 300, Rooms = 30, Duration = TimeSpan.FromMinutes(30), Seed = 3 }).Generate();
        var lines = events.Select(Json.Line).ToList();
        var badAt = new List<int>();
        for (var i = 0; i < BadLines.Length; i++)
        {
            var at = (i + 1) * lines.Count / (BadLines.Length + 1);
            lines.Insert(at, BadLines[i]);
            badAt.Add(at + 1);
        }

        var input = Path.Combine(_directory, "mixed.jsonl");
        await File.WriteAllLinesAsync(input, lines);
        var dlq = Path.Combine(_directory, "dlq.jsonl");

        var summary = await new ReplayJob(new ReplayOptions(input, Path.Combine(_directory, "deltas.jsonl"), dlq), new PipelineOptions(), new BaselineScorer(), TimeProvider.System)
            .RunAsync(CancellationToken.None);

        Assert.Equal(lines.Count, summary.EventsIn);
        Assert.Equal(events.Count, summary.Valid);
        Assert.Equal(BadLines.Length, summary.DeadLettered);
        Assert.True(summary.DeltasOut > 0);
        var letters = File.ReadLines(dlq).Select(l => JsonSerializer.Deserialize(l, ContractJson.Default.DeadLetter)!).ToList();
        Assert.Equal(badAt.Select(n => $"mixed.jsonl:{n}"), letters.Select(l => l.Source));
        Assert.All(letters, l => Assert.False(string.IsNullOrEmpty(l.Reason)));
        Assert.Contains(letters, l => l.Reason == "oversized_payload");
        Assert.Contains(letters, l => l.Reason == "unknown_event_type" && l.Raw!.Contains("hologram", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Replay_OneClickADayFastEarlyInTheLog_DeadLettersOnlyItAndKeepsEveryOtherDelta()
    {
        var events = new LiveCommerceSimulator(new SimulationOptions { Users = 300, Rooms = 30, Duration = TimeSpan.FromMinutes(40), Seed = 4 }).Generate();
        var lines = events.Select(Json.Line).ToList();
        var clean = Path.Combine(_directory, "clean.jsonl");
        await File.WriteAllLinesAsync(clean, lines);
        var fast = events.OfType<StreamRec.Contracts.Events.ClickEvent>().First() with { EventId = "fast", Ts = events[0].Ts + (long)TimeSpan.FromHours(23).TotalMilliseconds };
        var at = lines.Count / 20;
        lines.Insert(at, Json.Line(fast));
        var poisoned = Path.Combine(_directory, "poisoned.jsonl");
        await File.WriteAllLinesAsync(poisoned, lines);
        var dlq = Path.Combine(_directory, "dlq.jsonl");

        // The wall clock is past the whole log, so the fast click is within the future limit, as in production.
        var options = new PipelineOptions();
        var expected = await new ReplayJob(new ReplayOptions(clean, Path.Combine(_directory, "clean-deltas.jsonl")), options, new BaselineScorer(), TimeProvider.System).RunAsync(CancellationToken.None);
        var summary = await new ReplayJob(new ReplayOptions(poisoned, Path.Combine(_directory, "deltas.jsonl"), dlq), options, new BaselineScorer(), TimeProvider.System)
            .RunAsync(CancellationToken.None);

        Assert.Equal(1, summary.DeadLettered);
        var letter = JsonSerializer.Deserialize(Assert.Single(File.ReadLines(dlq)), ContractJson.Default.DeadLetter)!;
        Assert.Equal("timestamp_too_early", letter.Reason);
        Assert.Equal($"poisoned.jsonl:{at + 1}", letter.Source);
        Assert.Equal(expected.DeltasOut, summary.DeltasOut);
        Assert.Equal(File.ReadAllBytes(Path.Combine(_directory, "clean-deltas.jsonl")), File.ReadAllBytes(Path.Combine(_directory, "deltas.jsonl")));
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
