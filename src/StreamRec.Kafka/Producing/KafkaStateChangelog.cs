using Confluent.Kafka;
using StreamRec.Pipeline.Durability;

namespace StreamRec.Kafka.Producing;

/// <summary>
/// Durable state's changelog on Kafka: each checkpoint's user changes go to the changelog topic, keyed by user id,
/// on the partition numbered like the user's input partition (explicitly, not through the partitioner), through the
/// process's one idempotent producer, so a key's records keep their order. <see cref="Append"/> returns only once
/// the broker acknowledged every record: the checkpoint commits locally after that.
/// </summary>
public sealed class KafkaStateChangelog : IStateChangelog
{
    /// <summary>Records in flight at once: well within the producer's queue, which the deltas in flight share.</summary>
    private const int MaxInFlight = 10_000;

    /// <summary>The header that names the state directory a record was written from (<see cref="PartitionOwnership.Writer"/>).</summary>
    public const string WriterHeader = "streamrec.writer";

    private readonly IProducer<byte[]?, byte[]?> _producer;
    private readonly TimeSpan _timeout;
    private readonly long[] _knownEnds;
    private long _appended;

    /// <param name="producer">The process's producer (owned by the caller).</param>
    /// <param name="topic">The changelog topic: as many partitions as the user topics.</param>
    /// <param name="partitions">The user topics' partition count.</param>
    /// <param name="timeout">How long a checkpoint waits for the acknowledgements before it fails.</param>
    /// <param name="deltas">
    /// The deltas topic, co-partitioned with the user topics, with the floors its producer raises: checkpoints then
    /// write the seq fence (<see cref="SeqFenceMarker"/>), and restores read it. Null: no fence.
    /// </param>
    public KafkaStateChangelog(IProducer<byte[]?, byte[]?> producer, string topic, int partitions, TimeSpan timeout, (string Topic, DeltaFloors Floors)? deltas = null)
    {
        Deltas = deltas;
        ArgumentNullException.ThrowIfNull(producer);
        ArgumentException.ThrowIfNullOrEmpty(topic);
        _producer = producer;
        Topic = topic;
        _timeout = timeout;
        Ownership = new PartitionOwnership(partitions);
        _knownEnds = new long[partitions];
        Array.Fill(_knownEnds, -1);
    }

    public string Topic { get; }

    /// <summary>The fenced deltas topic and its floors, or null.</summary>
    public (string Topic, DeltaFloors Floors)? Deltas { get; }

    public long? DeltasFloor(int partition) => Deltas?.Floors.Floor(partition);

    public PartitionOwnership Ownership { get; }

    /// <summary>Records appended since the start.</summary>
    public long Appended => Interlocked.Read(ref _appended);

    public IReadOnlyDictionary<int, long> Append(IReadOnlyList<ChangelogRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        var ends = new Dictionary<int, long>();
        if (records.Count == 0)
        {
            return ends;
        }

        var gate = new object();
        var pending = records.Count;
        Error? failure = null;
        // Not disposed: after a timeout, late delivery reports still signal them.
        var done = new ManualResetEventSlim();
        var slots = new SemaphoreSlim(MaxInFlight);
        var writer = Ownership.Writer.IsEmpty ? null : Ownership.Writer.ToArray();
        foreach (var record in records)
        {
            if (!slots.Wait(_timeout))
            {
                throw new InvalidOperationException($"The changelog '{Topic}' acknowledged nothing for {_timeout}: the checkpoint is not committed.");
            }

            var message = new Message<byte[]?, byte[]?> { Key = record.Key, Value = record.Value };
            if (writer is not null)
            {
                message.Headers = [new Header(WriterHeader, writer)];
            }

            _producer.Produce(new TopicPartition(Topic, record.Partition), message, report =>
            {
                slots.Release();
                lock (gate)
                {
                    if (report.Error.IsError)
                    {
                        failure ??= report.Error;
                    }
                    else if (!ends.TryGetValue(record.Partition, out var end) || end <= report.Offset.Value)
                    {
                        ends[record.Partition] = report.Offset.Value + 1;
                    }

                    if (--pending == 0)
                    {
                        done.Set();
                    }
                }
            });
        }

        if (!done.Wait(_timeout))
        {
            throw new InvalidOperationException($"The changelog '{Topic}' did not acknowledge {Volatile.Read(ref pending)} of {records.Count} records within {_timeout}: the checkpoint is not committed.");
        }

        if (failure is { } error)
        {
            throw new InvalidOperationException($"The changelog '{Topic}' refused a record ({error.Code}: {error.Reason}): the checkpoint is not committed.");
        }

        Interlocked.Add(ref _appended, records.Count);
        foreach (var (partition, end) in ends)
        {
            NoteEnd(partition, end);
        }

        return ends;
    }

    /// <summary>The changelog end this instance last wrote or restored up to (-1: none): a later end means another instance wrote.</summary>
    internal long KnownEnd(int partition) => Interlocked.Read(ref _knownEnds[partition]);

    internal void NoteEnd(int partition, long end) => Interlocked.Exchange(ref _knownEnds[partition], end);
}
