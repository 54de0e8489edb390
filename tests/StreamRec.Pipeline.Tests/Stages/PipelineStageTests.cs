using Akka.Streams;
using Akka.Streams.Dsl;
using Microsoft.Extensions.Time.Testing;
using StreamRec.Pipeline.Batches;
using StreamRec.Pipeline.Decoding;
using StreamRec.Pipeline.Input;
using StreamRec.Pipeline.Metrics;
using StreamRec.Pipeline.Options;
using StreamRec.Pipeline.Scoring;
using StreamRec.Pipeline.Stages;
using StreamRec.Pipeline.State;
using StreamRec.Pipeline.Tests.Support;

namespace StreamRec.Pipeline.Tests.Stages;

public sealed class PipelineStageTests : Akka.TestKit.Xunit2.TestKit
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
    private readonly FakeTimeProvider _time = new(DateTimeOffset.FromUnixTimeMilliseconds(Ev.T0));
    private readonly PipelineOptions _options = new PipelineOptions { TopK = 3 }.Validate();
    private readonly PipelineMetrics _metrics = new();

    [Fact]
    public async Task EventDecoding_MixedGoodAndBadRecords_BadOnesBecomeCountedDeadLettersWithOrigin()
    {
        var state = PipelineState.InMemory(_options);
        var lines = new[] { Ev.Json(Ev.Click(Ev.T0, "u1", "r1")), "{broken", string.Empty, """{"type":"warp","event_id":"e","ts":1767636000000,"room_id":"r","streamer_id":"s"}""" };

        var output = await Run(Source.Single(Ev.Raw(lines, "log.jsonl")), new EventDecoding(_options, state, _metrics, _time));

        var batch = Assert.Single(output);
        Assert.Single(batch.Events);
        Assert.Equal(4, batch.RecordsIn);
        Assert.Equal([DeadLetterReason.MalformedJson, DeadLetterReason.EmptyRecord, DeadLetterReason.UnknownEventType], batch.DeadLetters.Select(d => d.Reason));
        Assert.Equal(["log.jsonl:2", "log.jsonl:3", "log.jsonl:4"], batch.DeadLetters.Select(d => d.Source));
        Assert.Equal("{broken", batch.DeadLetters[0].Raw);
        Assert.Equal(3, _metrics.DeadLettered);
        Assert.Equal(1, _metrics.Valid);
        Assert.Equal(1, _metrics.DeadLettersByReason[DeadLetterReason.EmptyRecord]);
    }

    [Fact]
    public async Task EventDecoding_ExchangedRecords_DecodedIntoThisInstancesIdsAndAnUnreadableOneDeadLetteredAndCounted()
    {
        var state = PipelineState.InMemory(_options);
        var writer = new Ids.IdTables();
        var rooms = new RoomContributions(_options.VectorDimensions);
        rooms.Engage(writer.Rooms.Intern("r9"), Ev.T0, _options.PopularityHalfLife, 1, purchase: false);
        var good = Assert.Single(StreamRec.Pipeline.Exchange.ContributionCodec.Encode(1, Ev.T0, rooms, new CoEngagementContributions(_options.CoEngagement.HalfLife), writer));
        var raw = new RawRecordBatch
        {
            Exchanged = [new(good, RecordOrigin.KafkaMessage("streamrec.aggregates", 0, 7)), new([0xFF, 0xFE, 0x01], RecordOrigin.KafkaMessage("streamrec.aggregates", 1, 3))],
        };

        var output = await Run(Source.Single(raw), new EventDecoding(_options, state, _metrics, _time));

        var batch = Assert.Single(output);
        var received = Assert.Single(batch.Received!);
        Assert.Equal("r9", state.Ids.Rooms.NameOf(Assert.Single(received.Rooms.Rooms).Key));
        var letter = Assert.Single(batch.DeadLetters);
        Assert.Equal((DeadLetterReason.InvalidContribution, "streamrec.aggregates[1]@3", "//4B"), (letter.Reason, letter.Source, letter.RawBase64));
        Assert.Equal(1, _metrics.DeadLettersByReason[DeadLetterReason.InvalidContribution]);
    }

    [Fact]
    public async Task EventDecoding_OversizedOrFutureOrLateRecords_AreDeadLettered()
    {
        var options = _options with { MaxEventBytes = 200, MaxLateness = TimeSpan.FromMinutes(5), MaxFutureSkew = TimeSpan.FromHours(1) };
        var state = PipelineState.InMemory(options);
        var oversized = Ev.Json(Ev.Click(Ev.T0, new string('u', 250), "r1"));
        var lines = new[]
        {
            Ev.Json(Ev.Click(Ev.T0 + 600_000, "u1", "r1")),
            oversized,
            Ev.Json(Ev.Click(Ev.T0 + (2 * 3_600_000), "u1", "r1")), // two hours past the (fake) wall clock
            Ev.Json(Ev.Click(Ev.T0, "u1", "r1")), // ten minutes behind the stream
        };

        var batch = Assert.Single(await Run(Source.Single(Ev.Raw(lines)), new EventDecoding(options, state, _metrics, _time)));

        Assert.Single(batch.Events);
        Assert.Equal([DeadLetterReason.Oversized, DeadLetterReason.TimestampOutOfRange, DeadLetterReason.TimestampTooLate], batch.DeadLetters.Select(d => d.Reason));
    }

    [Fact]
    public async Task EventTimeTicking_EventsAcrossTicks_SlicedAtBoundariesThenFinalFlush()
    {
        var state = PipelineState.InMemory(_options);
        var input = Ev.Batch(state, Ev.Click(Ev.T0 + 100, "u1", "r"), Ev.Click(Ev.T0 + 900, "u1", "r"), Ev.Click(Ev.T0 + 1_100, "u1", "r"), Ev.Click(Ev.T0 + 5_000, "u1", "r"));
        input.ClosesTick = false;
        var checkpoint = new TestCheckpoint();
        input.Checkpoint = checkpoint;

        var slices = await Run(Source.Single(input), new EventTimeTicking(TimeSpan.FromSeconds(1), _metrics, null));

        Assert.Equal([2, 1, 1, 0], slices.Select(s => s.Events.Count));
        Assert.Equal([Ev.T0 + 900, Ev.T0 + 1_100, Ev.T0 + 5_000, Ev.T0 + 5_000], slices.Select(s => s.Clock));
        Assert.Equal([true, true, false, true], slices.Select(s => s.ClosesTick));
        Assert.Equal([false, false, false, true], slices.Select(s => s.IsFinal));
        Assert.Equal([null, null, checkpoint, null], slices.Select(s => s.Checkpoint));
    }

    [Fact]
    public async Task EventTimeTicking_IdleWatermark_ClosesTheTickAtTheWatermark()
    {
        var state = PipelineState.InMemory(_options);
        var events = Ev.Batch(state, Ev.Click(Ev.T0 + 100, "u1", "r"));
        events.ClosesTick = false;
        var idle = new EventBatch { Watermark = Ev.T0 + 7_000 };

        var slices = await Run(Source.From([events, idle]), new EventTimeTicking(TimeSpan.FromSeconds(1), _metrics, null));

        Assert.False(slices[0].ClosesTick);
        Assert.True(slices[1].ClosesTick);
        Assert.Equal(Ev.T0 + 7_000, slices[1].Clock);
    }

    [Fact]
    public async Task Pipeline_SameLogInDifferentBatchSizes_EmitsIdenticalDeltas()
    {
        var lines = SmallLog();

        var whole = await Deltas(lines, batchSize: lines.Count);
        var small = await Deltas(lines, batchSize: 3);

        Assert.NotEmpty(whole);
        Assert.Equal(whole, small);
    }

    [Fact]
    public async Task Pipeline_RoomStops_EveryHolderGetsADeltaWithoutIt()
    {
        var lines = SmallLog();
        lines.Add(Ev.Json(Ev.Stop(Ev.T0 + 600_000, "r1")));

        var deltas = await DeltaRecords(lines, batchSize: 4);

        var holdersBefore = deltas.Where(d => d.Ts < Ev.T0 + 600_000).GroupBy(d => d.UserId)
            .Where(g => g.OrderBy(d => d.Seq).Last().Top.Any(t => t.RoomId == "r1")).Select(g => g.Key).ToHashSet();
        var atStop = deltas.Where(d => d.Ts == Ev.T0 + 600_000).ToList();
        Assert.NotEmpty(holdersBefore);
        Assert.Equal(holdersBefore, atStop.Select(d => d.UserId).ToHashSet());
        Assert.All(atStop, d => Assert.Contains("r1", d.Removed));
        Assert.All(atStop, d => Assert.DoesNotContain(d.Top, t => t.RoomId == "r1"));
    }

    [Fact]
    public void Create_ScorerWithOtherFeatures_IsRefusedAtStartUp()
    {
        var scorer = new OtherFeaturesScorer();

        var ex = Assert.Throws<ArgumentException>(() => RecommendationPipeline.Create(_options, PipelineState.InMemory(_options), scorer, _metrics, _time));

        Assert.Contains("expects features", ex.Message, StringComparison.Ordinal);
    }

    private static List<string> SmallLog()
    {
        var events = new List<Contracts.Events.LiveEvent> { Ev.Start(Ev.T0, "r1", "beauty"), Ev.Start(Ev.T0, "r2", "books"), Ev.Start(Ev.T0 + 10, "r3", "toys") };
        for (var i = 0; i < 40; i++)
        {
            events.Add(Ev.Click(Ev.T0 + 1_000 + (i * 7_000), $"u{i % 7}", $"r{1 + (i % 3)}"));
        }

        return [.. events.Select(Ev.Json)];
    }

    private async Task<List<string>> Deltas(List<string> lines, int batchSize) =>
        [.. (await DeltaRecords(lines, batchSize)).Select(d => System.Text.Json.JsonSerializer.Serialize(d, Contracts.Serialization.ContractJson.Default.RecommendationDelta))];

    private async Task<List<Contracts.Outputs.RecommendationDelta>> DeltaRecords(List<string> lines, int batchSize)
    {
        var state = PipelineState.InMemory(_options);
        var batches = lines.Chunk(batchSize).Select(chunk => Ev.Raw(chunk)).ToList();
        var flow = RecommendationPipeline.Create(_options, state, new BaselineScorer(), new PipelineMetrics(), _time);

        var output = await Source.From(batches).Via(flow).RunWith(Sink.Seq<EventBatch>(), Sys.Materializer()).WaitAsync(Timeout);

        return [.. output.SelectMany(b => b.Deltas)];
    }

    private async Task<IReadOnlyList<EventBatch>> Run<TIn>(Source<TIn, Akka.NotUsed> source, IGraph<FlowShape<TIn, EventBatch>, Akka.NotUsed> stage) =>
        await source.Via(stage).RunWith(Sink.Seq<EventBatch>(), Sys.Materializer()).WaitAsync(Timeout);

    private sealed class TestCheckpoint : SourceCheckpoint
    {
        public override void Acknowledge()
        {
        }
    }

    private sealed class OtherFeaturesScorer : IScorer
    {
        public string Name => "other";

        public IReadOnlyList<string> FeatureNames => ["something_else"];

        public void Score(ReadOnlySpan<float> features, int rows, Span<float> scores) => scores.Clear();
    }
}
