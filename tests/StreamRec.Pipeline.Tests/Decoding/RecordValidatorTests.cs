using StreamRec.Pipeline.Decoding;
using StreamRec.Pipeline.Ids;
using StreamRec.Pipeline.Input;
using StreamRec.Pipeline.Options;
using StreamRec.Pipeline.Tests.Support;

namespace StreamRec.Pipeline.Tests.Decoding;

public sealed class RecordValidatorTests
{
    private const long Minute = 60_000;
    private const long Hour = 60 * Minute;
    private readonly PipelineOptions _options = new PipelineOptions { EventTimeJumpRecords = 3 }.Validate();
    private readonly List<EventRecord> _accepted = [];
    private readonly List<RejectedRecord> _rejected = [];

    [Fact]
    public void Validate_OneRecordFarAhead_IsDeadLetteredTooEarlyAndLaterEventsStayOnTime()
    {
        var validator = new RecordValidator(_options, new IdTables());

        validator.Validate(Lines(Ev.T0, Ev.T0 + (23 * Hour), Ev.T0 + Minute, Ev.T0 + (2 * Minute)), long.MaxValue, _accepted, _rejected);

        Assert.Equal([Ev.T0, Ev.T0 + Minute, Ev.T0 + (2 * Minute)], _accepted.Select(e => e.Ts));
        var rejected = Assert.Single(_rejected);
        Assert.Equal(DeadLetterReason.TimestampTooEarly, rejected.Error.Reason);
        Assert.Equal("test.jsonl:2", rejected.Origin.ToString());
        Assert.False(validator.IsHolding);
    }

    [Fact]
    public void Validate_GapInTheLog_ConsecutiveRecordsAfterItAreApplied()
    {
        var validator = new RecordValidator(_options, new IdTables());
        var after = Ev.T0 + (3 * Hour);

        validator.Validate(Lines(Ev.T0, after, after + 1, after + 2, after + 3), long.MaxValue, _accepted, _rejected);

        Assert.Equal([Ev.T0, after, after + 1, after + 2, after + 3], _accepted.Select(e => e.Ts));
        Assert.Empty(_rejected);
    }

    [Fact]
    public void Validate_RecordsHeldAcrossBatches_IsHoldingUntilResolved()
    {
        var validator = new RecordValidator(_options, new IdTables());
        validator.Validate(Lines(Ev.T0, Ev.T0 + (5 * Hour)), long.MaxValue, _accepted, _rejected);
        Assert.True(validator.IsHolding);
        Assert.Single(_accepted);

        validator.Validate(Lines(Ev.T0 + 1), long.MaxValue, _accepted, _rejected);

        Assert.False(validator.IsHolding);
        Assert.Equal(DeadLetterReason.TimestampTooEarly, Assert.Single(_rejected).Error.Reason);
    }

    [Fact]
    public void Complete_RecordsStillHeld_AreDeadLetteredTooEarly()
    {
        var validator = new RecordValidator(_options, new IdTables());
        validator.Validate(Lines(Ev.T0, Ev.T0 + (5 * Hour), Ev.T0 + (5 * Hour) + 1), long.MaxValue, _accepted, _rejected);

        validator.Complete(_rejected);

        Assert.Equal(2, _rejected.Count(r => r.Error.Reason == DeadLetterReason.TimestampTooEarly));
        Assert.False(validator.IsHolding);
    }

    [Fact]
    public void Validate_OnePartitionRunsAhead_AnotherPartitionsEventsAreNotLate()
    {
        var validator = new RecordValidator(_options, new IdTables());
        var raw = new RawRecordBatch();
        Add(raw, Ev.T0, partition: 0);
        Add(raw, Ev.T0 + (30 * Minute), partition: 1);
        Add(raw, Ev.T0 + (80 * Minute), partition: 1);
        Add(raw, Ev.T0 + (130 * Minute), partition: 1); // partition 1 is two hours ahead of partition 0 now
        Add(raw, Ev.T0 + Minute, partition: 0);

        validator.Validate(raw, long.MaxValue, _accepted, _rejected);

        Assert.Empty(_rejected);
        Assert.Equal(5, _accepted.Count);
    }

    [Fact]
    public void Validate_LateWithinItsOwnPartition_IsDeadLetteredTooLate()
    {
        var validator = new RecordValidator(_options, new IdTables());

        validator.Validate(Lines(Ev.T0 + (50 * Minute), Ev.T0 + (100 * Minute), Ev.T0 + (30 * Minute)), long.MaxValue, _accepted, _rejected);

        Assert.Equal(DeadLetterReason.TimestampTooLate, Assert.Single(_rejected).Error.Reason);
    }

    [Fact]
    public void Validate_SourceWatermarkReachesHeldRecord_ReleasesItAsAnEvent()
    {
        var validator = new RecordValidator(_options, new IdTables());
        validator.Validate(Lines(Ev.T0, Ev.T0 + (3 * Hour)), long.MaxValue, _accepted, _rejected);
        Assert.True(validator.IsHolding);

        validator.Validate(new RawRecordBatch(0, 0) { Watermark = Ev.T0 + (2 * Hour) + 1 }, long.MaxValue, _accepted, _rejected);

        Assert.Equal([Ev.T0, Ev.T0 + (3 * Hour)], _accepted.Select(e => e.Ts));
        Assert.Empty(_rejected);
        Assert.False(validator.IsHolding);
    }

    [Fact]
    public void Validate_BehindTheSourceWatermark_IsJudgedAgainstIt()
    {
        var validator = new RecordValidator(_options, new IdTables());
        var raw = Lines(Ev.T0);
        raw.Watermark = Ev.T0 + (2 * Hour);

        validator.Validate(raw, long.MaxValue, _accepted, _rejected);

        Assert.Equal(DeadLetterReason.TimestampTooLate, Assert.Single(_rejected).Error.Reason);
    }

    private static RawRecordBatch Lines(params long[] times) => Ev.Raw(times.Select((ts, i) => Ev.Json(Ev.Click(ts, $"u{i}", "r1"))));

    private static void Add(RawRecordBatch raw, long ts, int partition)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(Ev.Json(Ev.Click(ts, $"u{raw.Count}", "r1")));
        raw.Add(bytes, bytes.Length, RecordOrigin.KafkaMessage("live.clicks", partition, raw.Count));
    }
}
