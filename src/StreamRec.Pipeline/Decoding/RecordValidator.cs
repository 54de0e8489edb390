using StreamRec.Pipeline.Ids;
using StreamRec.Pipeline.Input;
using StreamRec.Pipeline.Options;

namespace StreamRec.Pipeline.Decoding;

/// <summary>
/// The one set of rules that decides whether an input record becomes an event: size, emptiness, the
/// decoder's checks, and event time. The online decoding stage and the offline replays of training and
/// evaluation both use it, so both see exactly the same events.
/// </summary>
/// <remarks>
/// <para>Event time is judged per source partition, against the larger of that partition's own progress
/// and the source's watermark (the minimum over its active partitions, see <see cref="RawRecordBatch.Watermark"/>).
/// So a partition that runs ahead never makes another one's events late.</para>
/// <para>A record more than <see cref="PipelineOptions.MaxEventTimeLead"/> ahead is held instead of moving
/// event time: if <see cref="PipelineOptions.EventTimeJumpRecords"/> consecutive records of its partition
/// are that far ahead too, the log really jumped and they are applied; the first record back in range
/// dead-letters the held ones as too early. One record with a wrong clock therefore cannot make every later
/// event late.</para>
/// <para>Stateful and not thread-safe: one per stream.</para>
/// </remarks>
public sealed class RecordValidator(PipelineOptions options, IdTables ids)
{
    private readonly EventDecoder _decoder = new(ids, options.MaxIdBytes, options.MinEventTime.ToUnixTimeMilliseconds());
    private readonly long _lateness = (long)options.MaxLateness.TotalMilliseconds;
    private readonly long _lead = (long)options.MaxEventTimeLead.TotalMilliseconds;
    private readonly List<PartitionProgress> _partitions = [];
    private PartitionProgress? _last;
    private int _held;

    /// <summary>True while records are held; a source must not commit past them yet.</summary>
    public bool IsHolding => _held > 0;

    /// <summary>The latest plausible event time at wall-clock <paramref name="time"/> (read once per batch).</summary>
    public long MaxTs(TimeProvider time) => time.GetUtcNow().Add(options.MaxFutureSkew).ToUnixTimeMilliseconds();

    /// <summary>
    /// Validates every record of <paramref name="raw"/> in order, appending events to <paramref name="accepted"/>
    /// and rejections to <paramref name="rejected"/>. Held records that this batch resolves come out here too,
    /// at the point they were resolved.
    /// </summary>
    public void Validate(RawRecordBatch raw, long maxTs, List<EventRecord> accepted, List<RejectedRecord> rejected)
    {
        ArgumentNullException.ThrowIfNull(raw);
        ArgumentNullException.ThrowIfNull(accepted);
        ArgumentNullException.ThrowIfNull(rejected);
        if (_held > 0 && raw.Watermark != long.MinValue)
        {
            ReleaseCaughtUp(raw.Watermark, accepted);
        }

        for (var i = 0; i < raw.Count; i++)
        {
            var bytes = raw.Record(i);
            if (raw.OriginalLength(i) > options.MaxEventBytes)
            {
                rejected.Add(Reject(raw, i, new DecodeError(DeadLetterReason.Oversized, $"Record is {raw.OriginalLength(i)} bytes; the limit is {options.MaxEventBytes}.")));
                continue;
            }

            if (bytes.Trim(" \t"u8).IsEmpty)
            {
                var what = raw.Envelope(i).IsTombstone ? "Null value (tombstone)." : "Empty record.";
                rejected.Add(Reject(raw, i, new DecodeError(DeadLetterReason.EmptyRecord, what)));
                continue;
            }

            if (!_decoder.TryDecode(bytes, maxTs, out var record, out var error))
            {
                rejected.Add(Reject(raw, i, error));
                continue;
            }

            var partition = PartitionOf(raw.Origin(i));
            if (partition.SourceId >= 0)
            {
                record = record with { Source = partition.SourceId, Offset = raw.Origin(i).Position };
            }

            var reference = Math.Max(partition.EventTime, raw.Watermark);
            if (reference != long.MinValue && record.Ts < reference - _lateness)
            {
                rejected.Add(Reject(raw, i, new DecodeError(DeadLetterReason.TimestampTooLate,
                    $"Event time {record.Ts} is more than {options.MaxLateness} behind the stream's event time {reference}.")));
                continue;
            }

            if (reference != long.MinValue && record.Ts > reference + _lead)
            {
                Hold(partition, record, Reject(raw, i, new DecodeError(DeadLetterReason.TimestampTooEarly,
                    $"Event time {record.Ts} is more than {options.MaxEventTimeLead} ahead of the stream's event time {reference}, and fewer than {options.EventTimeJumpRecords} records after it were.")), accepted);
                continue;
            }

            if (partition.Held.Count > 0)
            {
                // Back in range: what was held were outliers, not a jump of the log.
                foreach (var (_, ifRejected) in partition.Held)
                {
                    rejected.Add(ifRejected);
                }

                _held -= partition.Held.Count;
                partition.Held.Clear();
            }

            partition.EventTime = Math.Max(partition.EventTime, record.Ts);
            accepted.Add(record);
        }
    }

    /// <summary>The input has ended: records still held were never confirmed and are dead-lettered as too early.</summary>
    public void Complete(List<RejectedRecord> rejected)
    {
        ArgumentNullException.ThrowIfNull(rejected);
        foreach (var partition in _partitions)
        {
            foreach (var (_, ifRejected) in partition.Held)
            {
                rejected.Add(ifRejected);
            }

            partition.Held.Clear();
        }

        _held = 0;
    }

    /// <summary>Writes each source partition's progress; only between batches and while nothing is held.</summary>
    internal void Save(Durability.SnapshotWriter w)
    {
        if (_held > 0)
        {
            throw new InvalidOperationException("A validator holding records cannot be checkpointed.");
        }

        w.VarUInt((ulong)_partitions.Count);
        foreach (var partition in _partitions)
        {
            w.String(partition.Source);
            w.Int(partition.Partition);
            w.Long(partition.EventTime);
        }
    }

    internal void Load(Durability.SnapshotReader r)
    {
        _partitions.Clear();
        _last = null;
        _held = 0;
        var count = r.Count();
        for (var i = 0; i < count; i++)
        {
            var (source, number) = (r.String(), r.Int());
            _partitions.Add(new PartitionProgress(source, number) { EventTime = r.Long(), SourceId = number < 0 ? -1 : ids.Sources.Intern(source) });
        }
    }

    private void Hold(PartitionProgress partition, in EventRecord record, RejectedRecord ifRejected, List<EventRecord> accepted)
    {
        partition.Held.Add((record, ifRejected));
        _held++;
        if (partition.Held.Count >= options.EventTimeJumpRecords)
        {
            Apply(partition, accepted);
        }
    }

    /// <summary>A source watermark that caught up with held records makes them ordinary events.</summary>
    private void ReleaseCaughtUp(long watermark, List<EventRecord> accepted)
    {
        foreach (var partition in _partitions)
        {
            if (partition.Held.Count > 0 && partition.Held.TrueForAll(h => h.Record.Ts <= Math.Max(watermark, partition.EventTime) + _lead))
            {
                Apply(partition, accepted);
            }
        }
    }

    private void Apply(PartitionProgress partition, List<EventRecord> accepted)
    {
        foreach (var (held, _) in partition.Held)
        {
            partition.EventTime = Math.Max(partition.EventTime, held.Ts);
            accepted.Add(held);
        }

        _held -= partition.Held.Count;
        partition.Held.Clear();
    }

    private PartitionProgress PartitionOf(in RecordOrigin origin)
    {
        // Almost every record comes from the same partition as the one before (a file has only one).
        if (_last is { } last && last.Partition == origin.Partition && ReferenceEquals(last.Source, origin.Source))
        {
            return last;
        }

        foreach (var partition in _partitions)
        {
            if (partition.Partition == origin.Partition && string.Equals(partition.Source, origin.Source, StringComparison.Ordinal))
            {
                return _last = partition;
            }
        }

        var added = new PartitionProgress(origin.Source, origin.Partition) { SourceId = origin.IsFile ? -1 : ids.Sources.Intern(origin.Source) };
        _partitions.Add(added);
        return _last = added;
    }

    private static RejectedRecord Reject(RawRecordBatch raw, int index, DecodeError error) =>
        new(error, raw.Origin(index), raw.Record(index).ToArray(), raw.OriginalLength(index), raw.Envelope(index));
}
