using System.Collections.Concurrent;
using Confluent.Kafka;

namespace StreamRec.Kafka.Consuming;

/// <summary>
/// The records of one assigned partition between the polling thread (the only writer) and the stream's
/// merge (the only reader). Lock-free: the queue is concurrent and the flags are volatile.
/// </summary>
internal sealed class PartitionBuffer(TopicPartition partition, int order, bool committable)
{
    private readonly ConcurrentQueue<BufferedRecord> _records = new();
    private readonly Lock _takeLock = new();
    private long _next = -1;
    private int _count;
    private volatile bool _atEnd;
    private volatile bool _revoked;

    public TopicPartition Partition { get; } = partition;

    /// <summary>Tie-break between equal timestamps: room partitions come first, so a room starts before its clicks.</summary>
    public int Order { get; } = order;

    /// <summary>True for group-managed partitions, whose offsets are committed; false for the global rooms table.</summary>
    public bool Committable { get; } = committable;

    public int Count => Volatile.Read(ref _count);

    /// <summary>The consumer has read to the partition's end and nothing newer is buffered.</summary>
    public bool AtEnd => _atEnd;

    public bool IsRevoked => _revoked;

    /// <summary>Polling thread: whether the partition is paused (only that thread pauses and resumes).</summary>
    public bool Paused { get; set; }

    /// <summary>Merge (stream thread): when this partition was first seen with nothing buffered, or null.</summary>
    public long? EmptySince { get; set; }

    /// <summary>Merge (stream thread): newest event time taken from this partition, far-ahead records aside.</summary>
    public long Progress { get; set; } = long.MinValue;

    /// <summary>Merge (stream thread): consecutive far-ahead records taken since the last on-time one.</summary>
    public int EarlyRun { get; set; }

    public void Add(in BufferedRecord record)
    {
        // Cleared before the record is visible, so the merge can never see "at end" with a record pending behind it.
        _atEnd = false;
        _records.Enqueue(record);
        Interlocked.Increment(ref _count);
    }

    public void MarkAtEnd() => _atEnd = true;

    /// <summary>The offset where this instance's processing of the partition stands (-1: unknown), set where its reading starts.</summary>
    public long Next
    {
        get
        {
            lock (_takeLock)
            {
                return _next;
            }
        }

        init => _next = value;
    }

    /// <summary>Revokes the partition; returns the offset after the last record the merge took (-1: unknown), which no take passes afterwards.</summary>
    public long Revoke()
    {
        lock (_takeLock)
        {
            _revoked = true;
            return _next;
        }
    }

    public bool TryPeek(out BufferedRecord record) => _records.TryPeek(out record);

    public bool TryTake(out BufferedRecord record)
    {
        lock (_takeLock)
        {
            if (_revoked || !_records.TryDequeue(out record))
            {
                record = default;
                return false;
            }

            _next = record.Offset + 1;
        }

        Interlocked.Decrement(ref _count);
        return true;
    }
}
