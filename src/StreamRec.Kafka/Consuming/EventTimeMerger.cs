using System.Security.Cryptography;
using Confluent.Kafka;
using StreamRec.Pipeline.Durability;
using StreamRec.Pipeline.Input;

namespace StreamRec.Kafka.Consuming;

/// <summary>
/// Merges buffered records of many partitions into batches in event-time order, and keeps the source's
/// watermark, as Flink's sources do: the minimum, over the partitions that are not idle, of their event-time
/// progress. Every batch carries it, so no partition's events are judged late because another ran ahead.
/// </summary>
/// <remarks>
/// <para>It always takes the buffered record with the smallest timestamp. A partition with nothing buffered
/// that has not been read to its end still has records on the broker, maybe older ones: within
/// <see cref="MergeTiming.MaxDrift"/> of its progress the merge waits for it up to <see cref="MergeTiming.MergeWait"/>
/// (like Kafka Streams' <c>max.task.idle.ms</c>); beyond that, or before it delivered anything, it waits until the
/// partition delivers or goes idle (watermark alignment: the partitions ahead are paused, their buffers fill and
/// the consumer stops fetching them). A partition read to its end holds nothing back. One with nothing buffered
/// for <see cref="MergeTiming.IdleTimeout"/> is idle and no longer holds the watermark back.</para>
/// <para>A record more than <see cref="MergeTiming.MaxLead"/> ahead of the watermark is taken at once, so it does
/// not block its partition, but does not move the partition's progress, unless
/// <see cref="MergeTiming.JumpRecords"/> such records follow one another. The validator applies the same rule.</para>
/// <para>When every input is idle, event time advances by the idle wall time, so coalesced re-ranks still run.
/// Used by the source stage only, on the stream's thread.</para>
/// <para>A value over <paramref name="maxRecordBytes"/> is kept as a prefix of one byte more (enough for the
/// validator to reject it as oversized), with its SHA-256, as the file reader keeps long lines: one huge message
/// can neither fill memory downstream nor make its dead letter too large for the DLQ.</para>
/// <para>With durable state, positions start at the stored ones (<paramref name="resumeAt"/>), so a checkpoint
/// written before a partition delivers keeps where it resumes; and while no record is taken an empty batch carries
/// them every <see cref="MergeTiming.CheckpointHeartbeat"/>, so the work of the last batches is checkpointed even
/// when nothing follows them (a backlog read in a few large batches, then quiet input).</para>
/// </remarks>
internal sealed class EventTimeMerger(
    TimeProvider time, MergeTiming timing, int maxRecordBytes = int.MaxValue - 1, IReadOnlyDictionary<TopicPartition, long>? resumeAt = null)
{
    private readonly long _lead = (long)timing.MaxLead.TotalMilliseconds;
    private readonly long _drift = (long)timing.MaxDrift.TotalMilliseconds;
    private long _maxTimestamp = long.MinValue;
    private long _watermark = long.MinValue;
    private long? _lastInputAt;
    private long? _lastIdleWatermarkAt;
    private long? _allEmptySince;

    /// <summary>The source watermark: event time up to which every active partition has delivered.</summary>
    /// <summary>Per partition read so far (rooms included), the offset after the last record taken: what durable state resumes from.</summary>
    private readonly Dictionary<TopicPartition, long> _positions = resumeAt is null ? [] : new(resumeAt);
    private long? _lastBatchAt;
    private long _lastBatchWatermark = long.MinValue;

    public long Watermark => _watermark;

    /// <summary>The watermark the last batch carried: what a batch without records of its own carries, so event time does not move.</summary>
    public long LastBatchWatermark => _lastBatchWatermark;

    /// <param name="inputs">The assigned partitions, in tie-break order.</param>
    /// <param name="maxRecords">Most records per batch.</param>
    /// <param name="acknowledger">Where the batch's checkpoint reports back once processed.</param>
    public MergeOutcome Next(IReadOnlyList<PartitionBuffer> inputs, int maxRecords, IOffsetAcknowledger acknowledger)
    {
        var now = time.GetTimestamp();
        RawRecordBatch? batch = null;
        Dictionary<TopicPartition, long>? offsets = null;
        TimeSpan? retryAfter = null;
        AdvanceWatermark(inputs, now);

        // The watermark as the batch starts: its records are judged against this, not against where it ends.
        var watermark = _watermark;
        while (batch is null || batch.Count < maxRecords)
        {
            var best = Pick(inputs, now, out var wait, out var early);
            if (best is null || !best.TryTake(out var record))
            {
                retryAfter = wait;
                break;
            }

            batch ??= new RawRecordBatch(Math.Min(maxRecords, 1024));
            Add(batch, record, best.Partition);
            if (!early)
            {
                best.EarlyRun = 0;
                best.Progress = Math.Max(best.Progress, record.Timestamp);
                _maxTimestamp = Math.Max(_maxTimestamp, record.Timestamp);
                AdvanceWatermark(inputs, now);
            }

            _positions[best.Partition] = record.Offset + 1;
            if (best.Committable)
            {
                offsets ??= [];
                offsets[best.Partition] = record.Offset + 1;
            }
        }

        if (batch is not null)
        {
            _lastInputAt = now;
            _lastBatchAt = now;
            _lastBatchWatermark = watermark;
            batch.Watermark = watermark;
            // A batch of room records only has nothing to commit, but its positions still count for durable state.
            batch.Checkpoint = new KafkaCheckpoint(acknowledger, offsets ?? [], Positions());
            return new MergeOutcome(batch, null, false);
        }

        var caughtUp = retryAfter is null && inputs.All(input => input.IsRevoked || (input.AtEnd && input.Count == 0));
        var outcome = retryAfter is null ? Idle(inputs, now, caughtUp) : new MergeOutcome(null, retryAfter, false);
        return outcome.Batch is null ? Heartbeat(outcome, now, acknowledger) : outcome;
    }

    /// <summary>
    /// An empty batch that carries the positions and nothing else: no records, and the last batch's watermark, so
    /// event time moves exactly as it would without it.
    /// </summary>
    public RawRecordBatch PositionsOnly(IOffsetAcknowledger acknowledger)
    {
        _lastBatchAt = time.GetTimestamp();
        return new RawRecordBatch(0, 0) { Watermark = _lastBatchWatermark, Checkpoint = new KafkaCheckpoint(acknowledger, new Dictionary<TopicPartition, long>(), Positions()) };
    }

    /// <summary>
    /// A rebalance: the user topics' partitions it dropped or restored from the changelog are no longer what this
    /// instance read, so their positions go; a restored one resumes where the state it restored stood, when the
    /// changelog says (else at the group's committed offsets, with no position until it delivers).
    /// </summary>
    public void Handover(IReadOnlyList<string> topics, PartitionHandover handover)
    {
        var gone = handover.Dropped.Concat(handover.Restores.Select(static r => r.Partition)).ToHashSet();
        foreach (var key in _positions.Keys.Where(p => gone.Contains(p.Partition.Value) && topics.Contains(p.Topic)).ToList())
        {
            _positions.Remove(key);
        }

        foreach (var restore in handover.Restores)
        {
            foreach (var (topic, offset) in restore.ResumeAt ?? new Dictionary<string, long>())
            {
                if (topics.Contains(topic))
                {
                    _positions[new TopicPartition(topic, restore.Partition)] = offset;
                }
            }
        }
    }

    private RecordOrigin[] Positions() => [.. _positions.Select(static p => RecordOrigin.KafkaMessage(p.Key.Topic, p.Key.Partition.Value, p.Value))];

    private MergeOutcome Heartbeat(MergeOutcome idle, long now, IOffsetAcknowledger acknowledger)
    {
        if (timing.CheckpointHeartbeat is not { } every || _positions.Count == 0)
        {
            return idle;
        }

        var left = every - (_lastBatchAt is { } last ? time.GetElapsedTime(last, now) : TimeSpan.MaxValue);
        if (left <= TimeSpan.Zero)
        {
            return new MergeOutcome(PositionsOnly(acknowledger), null, idle.CaughtUp);
        }

        return idle with { RetryAfter = idle.RetryAfter is { } retry && retry < left ? retry : left };
    }

    private void Add(RawRecordBatch batch, in BufferedRecord record, TopicPartition partition)
    {
        var origin = RecordOrigin.KafkaMessage(partition.Topic, partition.Partition.Value, record.Offset);
        var value = record.Value ?? [];
        var kept = value.AsSpan(0, Math.Min(value.Length, maxRecordBytes + 1));
        var digest = kept.Length < value.Length ? Convert.ToHexStringLower(SHA256.HashData(value)) : null;
        var envelope = record.Key is null && record.Value is not null && digest is null ? default : new RecordEnvelope(record.Key, record.Value is null, digest);
        batch.Add(kept, value.Length, origin, envelope);
    }

    /// <summary>The input to take from next, or none, with a wait when an empty input may still deliver an older record.</summary>
    private PartitionBuffer? Pick(IReadOnlyList<PartitionBuffer> inputs, long now, out TimeSpan? wait, out bool early)
    {
        wait = null;
        early = false;
        PartitionBuffer? best = null;
        var bestTimestamp = long.MaxValue;
        foreach (var input in inputs)
        {
            if (input.IsRevoked)
            {
                continue;
            }

            if (!input.TryPeek(out var head))
            {
                input.EmptySince ??= now;
                continue;
            }

            input.EmptySince = null;
            if (IsFarAhead(head.Timestamp))
            {
                // Waiting for event time to reach it would block the records behind it in its partition.
                early = input.EarlyRun + 1 < timing.JumpRecords;
                input.EarlyRun = early ? input.EarlyRun + 1 : 0;
                return input;
            }

            if (best is null || head.Timestamp < bestTimestamp || (head.Timestamp == bestTimestamp && input.Order < best.Order))
            {
                best = input;
                bestTimestamp = head.Timestamp;
            }
        }

        if (best is null)
        {
            _allEmptySince ??= now;
            return null;
        }

        if (_allEmptySince is { } allEmpty)
        {
            _allEmptySince = null;
            if (time.GetElapsedTime(allEmpty, now) >= timing.IdleTimeout)
            {
                // Input resumes after every partition was idle (a run started before its producers, say): the others
                // get their full idle timeout from now, so the first topic fetched again cannot race ahead of the rest.
                foreach (var input in inputs)
                {
                    input.EmptySince = input.EmptySince is null ? null : now;
                }
            }
        }

        foreach (var input in inputs)
        {
            if (input.IsRevoked || input.EmptySince is not { } since || bestTimestamp <= Effective(input))
            {
                continue;
            }

            var left = WaitLimit(input, bestTimestamp) - time.GetElapsedTime(since, now);
            if (left > TimeSpan.Zero)
            {
                wait = wait is { } earlier && earlier < left ? earlier : left;
            }
        }

        return wait is null ? best : null;
    }

    /// <summary>How long an empty input may hold back a record at <paramref name="timestamp"/>.</summary>
    private TimeSpan WaitLimit(PartitionBuffer input, long timestamp)
    {
        if (input.AtEnd)
        {
            // Read to its end: nothing on the broker is older, so there is nothing to wait for.
            return TimeSpan.Zero;
        }

        // Records are on the broker but not fetched yet: a little behind, wait briefly; far behind, or nothing known
        // yet, wait until it delivers or goes idle (watermark alignment: the partitions ahead are paused meanwhile).
        var progress = Effective(input);
        return progress != long.MinValue && timestamp <= progress + _drift ? timing.MergeWait : timing.IdleTimeout;
    }

    /// <summary>An input's progress, or the watermark when that is further: after an idle spell event time moved on without it.</summary>
    private long Effective(PartitionBuffer input) => Math.Max(input.Progress, _watermark);

    /// <remarks>
    /// A partition read to its end that never delivered anything (a topic nobody writes to yet, such as the privacy
    /// topic) is idle at once, and stays so: were it idle only while the watermark is unset, it would hold the
    /// watermark where it stood when that moved, and later records would count as far ahead of it.
    /// </remarks>
    private bool IsIdle(PartitionBuffer input, long now) =>
        input.EmptySince is { } since && ((input.AtEnd && input.Progress == long.MinValue) || time.GetElapsedTime(since, now) >= timing.IdleTimeout);

    private bool IsFarAhead(long timestamp) => _watermark != long.MinValue && timestamp > _watermark + _lead;

    private void AdvanceWatermark(IReadOnlyList<PartitionBuffer> inputs, long now)
    {
        var candidate = long.MaxValue;
        foreach (var input in inputs)
        {
            if (input.IsRevoked)
            {
                continue;
            }

            var progress = input.Progress;
            if (input.TryPeek(out var head))
            {
                if (!IsFarAhead(head.Timestamp))
                {
                    progress = Math.Max(progress, head.Timestamp - 1);
                }
            }
            else if (IsIdle(input, now))
            {
                continue;
            }

            candidate = Math.Min(candidate, progress);
        }

        if (candidate == long.MaxValue)
        {
            candidate = _maxTimestamp;
        }

        _watermark = Math.Max(_watermark, candidate);
    }

    private MergeOutcome Idle(IReadOnlyList<PartitionBuffer> inputs, long now, bool caughtUp)
    {
        _lastInputAt ??= now;
        var idle = time.GetElapsedTime(_lastInputAt.Value, now);
        var sinceWatermark = _lastIdleWatermarkAt is { } at ? time.GetElapsedTime(at, now) : TimeSpan.MaxValue;

        // A partition still being fetched has records on the broker: event time must wait for them, not move with the clock.
        var nothingPending = inputs.All(input => input.IsRevoked || input.AtEnd || IsIdle(input, now));
        if (nothingPending && _maxTimestamp != long.MinValue && idle >= timing.IdleWatermarkAfter && sinceWatermark >= timing.IdleWatermarkAfter)
        {
            // Nothing arrived for a while: event time moves on with the wall clock, from the newest event seen.
            var watermark = _maxTimestamp + (long)idle.TotalMilliseconds;
            if (watermark > _watermark)
            {
                _watermark = watermark;
                _lastBatchWatermark = watermark;
                _lastIdleWatermarkAt = now;
                return new MergeOutcome(new RawRecordBatch(0, 0) { Watermark = watermark }, null, caughtUp);
            }
        }

        var untilIdle = timing.IdleWatermarkAfter - idle;
        var untilNext = timing.IdleWatermarkAfter - (sinceWatermark == TimeSpan.MaxValue ? TimeSpan.Zero : sinceWatermark);
        var retry = untilIdle > untilNext ? untilIdle : untilNext;
        return new MergeOutcome(null, retry > TimeSpan.Zero ? retry : timing.IdleWatermarkAfter, caughtUp);
    }
}
