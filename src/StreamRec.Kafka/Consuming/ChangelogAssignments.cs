using System.Collections.Concurrent;
using System.Diagnostics;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using StreamRec.Kafka.Options;
using StreamRec.Kafka.Producing;
using StreamRec.Pipeline.Durability;

namespace StreamRec.Kafka.Consuming;

/// <summary>
/// What a rebalance means for changelog-backed state, decided in the group consumer's rebalance handlers (its
/// thread). An assigned partition whose state this instance holds and whose changelog nobody else appended to
/// since is kept. At start-up, a partition whose durable store is exactly the changelog up to its stored offset,
/// while the changelog went on (another instance owned it meanwhile), reads only the records after that offset,
/// applied on top of the store (<see cref="RestorePlan"/>). Any other is restored from the changelog's start. A
/// restored partition's input resumes where its last seq fence marker says, else at the group's committed offsets,
/// which never pass the changelog. At start-up, a tail that this state directory wrote itself after its last commit
/// (every record stamped with its identity: a kill between a checkpoint's append and its commit) is not applied: the
/// partition is kept at the local checkpoint, whose users, rooms and input positions agree, and the tail's users are
/// written again at the next checkpoint (<see cref="SupersededTail"/>). Partitions no longer assigned are dropped.
/// Revocation suspends the partitions' changelog writes at once, as Kafka Streams suspends its tasks.
/// </summary>
internal sealed class ChangelogAssignments(KafkaOptions options, KafkaStateChangelog changelog, ILogger logger)
{
    private static readonly TimeSpan QueryTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Short: the revocation holds the rebalance (and a stop) while it waits.</summary>
    private static readonly TimeSpan ExchangeWait = TimeSpan.FromSeconds(2);
    private readonly ConcurrentQueue<PartitionHandover> _handovers = new();
    private readonly SeqFenceReader? _fence = changelog.Deltas is { } deltas ? new(options, deltas.Topic, deltas.Floors, logger) : null;
    private HashSet<int>? _held;
    private volatile bool _restoring;
    private long _restoredRecords;
    private long _restoreTicks;
    private long _incrementalRestores;

    public bool Restoring => _restoring;

    /// <summary>Changelog records read by restores since the start.</summary>
    public long RestoredRecords => Interlocked.Read(ref _restoredRecords);

    /// <summary>Restores that read only a changelog's tail, on top of the local store, since the start.</summary>
    public long IncrementalRestores => Interlocked.Read(ref _incrementalRestores);

    /// <summary>Wall time spent reading the changelog for restores since the start.</summary>
    public TimeSpan RestoreTime => Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _restoreTicks));

    /// <summary>Deltas the seq fence could not read: deleted by retention past a changelog's marker.</summary>
    public long FenceSkippedByRetention => _fence?.SkippedByRetention ?? 0;

    /// <summary>The next rebalance's changes for the stream, or null: the source sends it ahead of any record.</summary>
    public PartitionHandover? TakeHandover() => _handovers.TryDequeue(out var handover) ? handover : null;

    /// <summary>
    /// Revocation: no changelog writes for these partitions from now on (an append in progress finishes first), and no
    /// exchange records of them. With <paramref name="waitForExchange"/>, returns once the broker answered for every
    /// exchange record decided before (at most <see cref="ExchangeWait"/>): the next owner is assigned only after this
    /// returns, so its catch-up reads them, and no tick of these partitions lands after it caught up.
    /// </summary>
    public void OnRevoked(IEnumerable<TopicPartition> partitions, bool waitForExchange)
    {
        var decided = changelog.Ownership.Suspend(partitions.Select(static p => p.Partition.Value).Distinct());
        if (waitForExchange && !changelog.Ownership.WaitDelivered(decided, ExchangeWait))
        {
            Log.ExchangeNotDelivered(logger, ExchangeWait.TotalSeconds);
        }
    }

    /// <summary>
    /// An assignment: restores what moved here (before returning, so the handover is queued before any record of
    /// it can be buffered) and returns the partitions restored, each with the input offsets per topic its restored
    /// state accounts for (null: not known, start at the committed offsets, which never pass the changelog).
    /// </summary>
    public Dictionary<int, IReadOnlyDictionary<string, long>?> OnAssigned(IConsumer<byte[]?, byte[]?> consumer, IReadOnlyCollection<TopicPartition> partitions)
    {
        var assigned = partitions.Select(static p => p.Partition.Value).ToHashSet();
        var ownership = changelog.Ownership;

        // At start-up the store may hold any partition (an earlier assignment); after that, what this instance owned.
        var first = _held is null;
        var held = _held ?? [.. Enumerable.Range(0, ownership.Partitions)];
        var dropped = held.Where(p => !assigned.Contains(p)).Order().ToList();
        var restores = new List<ChangelogRestore>();
        var superseded = new List<SupersededTail>();
        var restored = new Dictionary<int, IReadOnlyDictionary<string, long>?>();
        _restoring = true;
        try
        {
            foreach (var partition in assigned.Order())
            {
                var topicPartition = new TopicPartition(changelog.Topic, partition);
                var watermarks = consumer.QueryWatermarkOffsets(topicPartition, QueryTimeout);
                var end = watermarks.High.Value;

                // Only the durable store says what it is a prefix of; after start-up a partition held here is up to date or gone.
                var known = first ? ownership.DurableOffset(partition) : held.Contains(partition) ? changelog.KnownEnd(partition) : -1;
                var plan = RestorePlan.Choose(known, first && ownership.IsDurablePrefix(partition), watermarks.Low.Value, end);
                if (plan.Kind == RestoreKind.Keep)
                {
                    changelog.NoteEnd(partition, end);
                    _fence?.Kept(consumer, partition);
                    Log.ChangelogKept(logger, partition, changelog.Topic, end);
                    continue;
                }

                if (plan.Reason is { } reason)
                {
                    Log.ChangelogFullRestore(logger, partition, changelog.Topic, reason);
                }

                var tail = Read(partition, plan.From, end);
                if (first && tail.WrittenHere && (plan.Kind == RestoreKind.Tail || !ownership.HoldsCheckpoint))
                {
                    // Written here after the last local commit: the local checkpoint is the consistent cut, resumed as kept.
                    superseded.Add(new SupersededTail(partition, [.. tail.Records.Select(static r => r.Key)]));
                    Interlocked.Add(ref _restoreTicks, tail.Elapsed);
                    changelog.NoteEnd(partition, end);
                    _fence?.Kept(consumer, partition);
                    Log.ChangelogTailSuperseded(logger, partition, changelog.Topic, tail.Records.Count, plan.From, end);
                    continue;
                }

                var restore = Restore(partition, plan.From, end, tail);
                restores.Add(restore);
                restored[partition] = restore.ResumeAt;
            }
        }
        finally
        {
            _restoring = false;
        }

        _held = assigned;
        ownership.Assign(assigned);
        if (dropped.Count > 0)
        {
            Log.ChangelogDropped(logger, dropped);
        }

        if (dropped.Count > 0 || restores.Count > 0 || superseded.Count > 0)
        {
            _handovers.Enqueue(new PartitionHandover(dropped, restores) { Superseded = superseded });
        }

        return restored;
    }

    /// <summary>
    /// Reads one changelog partition from <paramref name="from"/> (0: its start) to <paramref name="end"/>: its user
    /// records, its last seq fence marker, and whether every record read carries this state directory's identity.
    /// </summary>
    private ChangelogTail Read(int partition, long from, long end)
    {
        var started = Stopwatch.GetTimestamp();
        var records = new List<KeyValuePair<byte[], byte[]?>>();
        long? marker = null;
        IReadOnlyList<KeyValuePair<string, long>>? resumeAt = null;
        var read = 0;
        var writtenHere = true;
        var topicPartition = new TopicPartition(changelog.Topic, partition);
        if (end > 0)
        {
            var config = Hosting.KafkaClientConfigs.ChangelogReader(options, partition);
            using var reader = new ConsumerBuilder<byte[]?, byte[]?>(config).Build();
            var start = reader.QueryWatermarkOffsets(topicPartition, QueryTimeout).Low.Value;
            if (start > from)
            {
                Log.ChangelogTruncated(logger, changelog.Topic, partition, start);
            }

            reader.Assign(new TopicPartitionOffset(topicPartition, from > 0 ? new Offset(from) : Offset.Beginning));
            var deadline = Stopwatch.GetTimestamp() + (long)(QueryTimeout.TotalSeconds * Stopwatch.Frequency);
            var next = Math.Max(start, from);
            while (next < end)
            {
                var result = reader.Consume(TimeSpan.FromMilliseconds(200));
                if (result is null || result.IsPartitionEOF)
                {
                    if (Stopwatch.GetTimestamp() > deadline)
                    {
                        throw new InvalidOperationException($"Restoring {topicPartition} stopped at offset {next} of {end}: no more records within {QueryTimeout}.");
                    }

                    continue;
                }

                next = result.Offset.Value + 1;
                read++;
                writtenHere &= result.Message.Headers is { } headers && headers.TryGetLastBytes(KafkaStateChangelog.WriterHeader, out var writer)
                    && changelog.Ownership.WrittenHere(writer);
                if (result.Message.Key is not { } key)
                {
                    continue;
                }

                if (SeqFenceMarker.IsMarker(key))
                {
                    marker = SeqFenceMarker.Decode(result.Message.Value);
                    resumeAt = SeqFenceMarker.Positions(result.Message.Value) ?? resumeAt;
                }
                else
                {
                    records.Add(new(key, result.Message.Value));
                }
            }

            reader.Close();
        }

        return new ChangelogTail(records, marker, resumeAt, read > 0 && writtenHere, Stopwatch.GetTimestamp() - started);
    }

    /// <summary>A read changelog partition, as the restore applies it: counted, logged, and with its seq fence.</summary>
    private ChangelogRestore Restore(int partition, long from, long end, ChangelogTail tail)
    {
        var (records, marker, resumeAt, _, elapsed) = tail;
        Interlocked.Add(ref _restoredRecords, records.Count);
        Interlocked.Add(ref _restoreTicks, elapsed);
        changelog.NoteEnd(partition, end);
        var seconds = (double)elapsed / Stopwatch.Frequency;
        if (from > 0)
        {
            Interlocked.Increment(ref _incrementalRestores);
            Log.ChangelogTailRestored(logger, partition, changelog.Topic, records.Count, from, end, seconds);
        }
        else
        {
            Log.ChangelogRestored(logger, partition, changelog.Topic, records.Count, end, seconds);
        }

        // A tail that holds no marker (nobody checkpointed over it) reads the deltas from their log start: unbounded, still correct.
        var restore = new ChangelogRestore(partition, end, records, Incremental: from > 0)
        {
            ResumeAt = resumeAt?.ToDictionary(static p => p.Key, static p => p.Value, StringComparer.Ordinal),
        };
        if (_fence is not null)
        {
            var (origin, floors) = _fence.Fence(partition, marker);
            restore = restore with { SeqFloors = floors, FenceOrigin = origin };
        }

        return restore;
    }

    /// <param name="Records">The user records, in offset order.</param>
    /// <param name="Marker">The last seq fence marker's deltas offset, or null when none was read.</param>
    /// <param name="ResumeAt">The last marker's input positions, or null.</param>
    /// <param name="WrittenHere">True when every record read carries this state directory's identity.</param>
    /// <param name="Elapsed">Stopwatch ticks the read took.</param>
    private readonly record struct ChangelogTail(
        List<KeyValuePair<byte[], byte[]?>> Records, long? Marker, IReadOnlyList<KeyValuePair<string, long>>? ResumeAt, bool WrittenHere, long Elapsed);
}
