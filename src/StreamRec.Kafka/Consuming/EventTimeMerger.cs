using Confluent.Kafka;
using StreamRec.Pipeline.Input;

namespace StreamRec.Kafka.Consuming;

/// <summary>
/// Merges buffered records of many partitions into batches in event-time order: it always takes the
/// buffered record with the smallest timestamp. A partition with nothing buffered that has not reached
/// its end may hold a smaller timestamp still in flight, so the merge waits for it, but only up to
/// <c>mergeWait</c> (like Kafka Streams' <c>max.task.idle.ms</c>); a partition at its end does not hold it up.
/// When every input is idle it advances event time by the idle wall time (a watermark), so the
/// pipeline's coalesced re-ranks still run. Used by the source stage only, on the stream's thread.
/// </summary>
internal sealed class EventTimeMerger(TimeProvider time, TimeSpan mergeWait, TimeSpan idleWatermarkAfter)
{
    private long _maxTimestamp = long.MinValue;
    private long? _lastInputAt;
    private long? _lastWatermarkAt;
    private long _lastWatermark = long.MinValue;

    /// <summary>Newest event time taken so far, or <see cref="long.MinValue"/>.</summary>
    public long MaxTimestamp => _maxTimestamp;

    /// <param name="inputs">The assigned partitions, in tie-break order.</param>
    /// <param name="maxRecords">Most records per batch.</param>
    /// <param name="acknowledger">Where the batch's checkpoint reports back once processed.</param>
    public MergeOutcome Next(IReadOnlyList<PartitionBuffer> inputs, int maxRecords, IOffsetAcknowledger acknowledger)
    {
        var now = time.GetTimestamp();
        RawRecordBatch? batch = null;
        Dictionary<TopicPartition, long>? offsets = null;
        TimeSpan? retryAfter = null;
        while (batch is null || batch.Count < maxRecords)
        {
            var best = Pick(inputs, now, out var wait);
            if (wait is not null)
            {
                retryAfter = wait;
                break;
            }

            if (best is null || !best.TryTake(out var record))
            {
                break;
            }

            batch ??= new RawRecordBatch(Math.Min(maxRecords, 1024));
            var value = record.Value ?? [];
            batch.Add(value, value.Length, RecordOrigin.KafkaMessage(best.Partition.Topic, best.Partition.Partition.Value, record.Offset));
            _maxTimestamp = Math.Max(_maxTimestamp, record.Timestamp);
            if (best.Committable)
            {
                offsets ??= [];
                offsets[best.Partition] = record.Offset + 1;
            }
        }

        if (batch is not null)
        {
            _lastInputAt = now;
            if (offsets is not null)
            {
                batch.Checkpoint = new KafkaCheckpoint(acknowledger, offsets);
            }

            return new MergeOutcome(batch, null, false);
        }

        var caughtUp = retryAfter is null && inputs.All(input => input.IsRevoked || (input.AtEnd && input.Count == 0));
        return retryAfter is null ? Idle(now, caughtUp) : new MergeOutcome(null, retryAfter, false);
    }

    /// <summary>The input holding the smallest timestamp, or a wait when an input may still deliver a smaller one.</summary>
    private PartitionBuffer? Pick(IReadOnlyList<PartitionBuffer> inputs, long now, out TimeSpan? wait)
    {
        wait = null;
        PartitionBuffer? best = null;
        var bestTimestamp = long.MaxValue;
        foreach (var input in inputs)
        {
            if (input.IsRevoked)
            {
                continue;
            }

            if (input.TryPeek(out var head))
            {
                input.WaitingSince = null;
                if (best is null || head.Timestamp < bestTimestamp || (head.Timestamp == bestTimestamp && input.Order < best.Order))
                {
                    best = input;
                    bestTimestamp = head.Timestamp;
                }

                continue;
            }

            if (input.AtEnd)
            {
                continue;
            }

            input.WaitingSince ??= now;
            var left = mergeWait - time.GetElapsedTime(input.WaitingSince.Value, now);
            if (left > TimeSpan.Zero)
            {
                wait = wait is { } earlier && earlier < left ? earlier : left;
            }
        }

        return best;
    }

    private MergeOutcome Idle(long now, bool caughtUp)
    {
        _lastInputAt ??= now;
        var idle = time.GetElapsedTime(_lastInputAt.Value, now);
        var sinceWatermark = _lastWatermarkAt is { } at ? time.GetElapsedTime(at, now) : TimeSpan.MaxValue;
        if (_maxTimestamp != long.MinValue && idle >= idleWatermarkAfter && sinceWatermark >= idleWatermarkAfter)
        {
            // Nothing arrived for a while: event time moves on with the wall clock, from the newest event seen.
            var watermark = _maxTimestamp + (long)idle.TotalMilliseconds;
            if (watermark > _lastWatermark)
            {
                _lastWatermark = watermark;
                _lastWatermarkAt = now;
                return new MergeOutcome(new RawRecordBatch(0, 0) { Watermark = watermark }, null, caughtUp);
            }
        }

        var untilIdle = idleWatermarkAfter - idle;
        var untilNext = idleWatermarkAfter - (sinceWatermark == TimeSpan.MaxValue ? TimeSpan.Zero : sinceWatermark);
        var retry = untilIdle > untilNext ? untilIdle : untilNext;
        return new MergeOutcome(null, retry > TimeSpan.Zero ? retry : idleWatermarkAfter, caughtUp);
    }
}
