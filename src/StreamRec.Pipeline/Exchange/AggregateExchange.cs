using StreamRec.Pipeline.Ids;
using StreamRec.Pipeline.State;

namespace StreamRec.Pipeline.Exchange;

/// <summary>
/// What this instance has counted of each user partition's contributions to the room aggregates, and the ones
/// received from other instances that wait for their turn. Part of the state (the marks are checkpointed); the core's
/// coordinating thread alone changes it, between the parallel phases.
/// </summary>
/// <remarks>
/// <para>A contribution names the input it came from: per input topic, the highest offset of an event in it. Each
/// partition's <see cref="ExchangeMarks"/> hold, per topic, the highest offset counted. A received contribution is
/// counted only when it reaches past the marks, which it then moves at once (on arrival, before it is merged): the
/// first contribution for an event wins. So an instance's own records coming back from the topic are passed over, and
/// an event counted once is counted nowhere again: a partition's new owner, re-processing from the changelog's
/// checkpoint, leaves out of the aggregates every event that its predecessor's received contributions cover (its
/// users' own state is still rebuilt from them), whatever its clock.</para>
/// <para>A received contribution is merged at the first tick close at or after its clock, in its partition's place in
/// partition order, so an instance that lags its peers still merges their work in event-time order. A partition's
/// contributions wait in arrival order. At most <see cref="MaxHeld"/> wait; beyond that the oldest of the partition
/// being merged go at once (counted in <see cref="MergedEarly"/>).</para>
/// <para>A large tick comes in parts (<see cref="ContributionCodec.MaxRecordBytes"/>). The first moves the marks as above;
/// a later part counts only when it is the next part of the record the marks last moved for (same clock, same covered
/// offsets), so a record published again after a crash adds only the parts that had not arrived.</para>
/// <para>With durable state, each checkpoint also publishes each partition's open tick as a provisional record. Every
/// instance keeps the latest one per partition aside and merges none: the partition's owner closes that tick itself.
/// But the changelog a new owner restores holds the users at the checkpoint, not the open tick's contributions, so a
/// new owner adopts the provisional record that its restored state accounts for (<see cref="Adopt"/>): the events of
/// that tick before the checkpoint are then counted, though their owner died or stopped before the tick closed.</para>
/// </remarks>
public sealed class AggregateExchange
{
    /// <summary>Received contributions that may wait for this instance's clock at most (each holds one partition's tick: kilobytes to tens of them).</summary>
    public const int MaxHeld = 4_096;

    private readonly IReadOnlyList<PartitionState> _partitions;
    private readonly IdTable _sources;
    private readonly Queue<RemoteContribution>[] _held;

    /// <summary>Per partition, the record whose first part last moved the marks: its clock, the next part awaited, its part count.</summary>
    private readonly (long Clock, int Next, int Parts)[] _receiving;

    /// <summary>Per partition, the parts of the latest provisional record received (a checkpoint's open tick).</summary>
    private readonly List<RemoteContribution>[] _provisional;
    private int _heldCount;

    public AggregateExchange(IReadOnlyList<PartitionState> partitions, IdTable sources)
    {
        ArgumentNullException.ThrowIfNull(partitions);
        _partitions = partitions;
        _sources = sources;
        _held = [.. partitions.Select(_ => new Queue<RemoteContribution>())];
        _receiving = new (long, int, int)[partitions.Count];
        _provisional = [.. partitions.Select(_ => new List<RemoteContribution>())];
    }

    /// <summary>True when this instance publishes its partitions' contributions (over Kafka); a file replay keeps them to itself.</summary>
    public bool Publishes { get; set; }

    /// <summary>Received contributions counted (merged, or waiting to be).</summary>
    public long Merged { get; private set; }

    /// <summary>Received contributions passed over because the marks already counted everything they cover.</summary>
    public long Superseded { get; private set; }

    /// <summary>Provisional records (parts) adopted by this instance as a partition's new owner.</summary>
    public long Adopted { get; private set; }

    /// <summary>Received contributions merged before this instance's clock reached theirs, because too many waited.</summary>
    public long MergedEarly { get; private set; }

    /// <summary>Received contributions waiting for this instance's clock (read from other threads for backpressure).</summary>
    public int Held => Volatile.Read(ref _heldCount);

    /// <summary>Counts what reaches past the marks (moving them) and keeps it until it is due; passes over the rest.</summary>
    internal void Receive(List<RemoteContribution> received)
    {
        foreach (var contribution in received)
        {
            if (contribution.IsProvisional)
            {
                KeepAside(contribution);
                continue;
            }

            if (!Counts(contribution))
            {
                Superseded++;
                continue;
            }

            Merged++;
            _held[contribution.Partition].Enqueue(contribution);
            Interlocked.Increment(ref _heldCount);
        }
    }

    private bool Counts(RemoteContribution contribution)
    {
        var marks = _partitions[contribution.Partition].Marks;
        ref var receiving = ref _receiving[contribution.Partition];
        if (contribution.Part > 0)
        {
            var next = receiving.Clock == contribution.Clock && receiving.Next == contribution.Part && receiving.Parts == contribution.Parts
                && contribution.Covered.All(c => marks.Of(c.Source) == c.Offset);
            receiving.Next += next ? 1 : 0;
            return next;
        }

        var moved = false;
        foreach (var (source, offset) in contribution.Covered)
        {
            moved |= marks.Claim(source, offset);
        }

        if (moved)
        {
            receiving = (contribution.Clock, 1, contribution.Parts);
            DropCoveredProvisional(contribution.Partition);
        }

        return moved;
    }

    private void KeepAside(RemoteContribution contribution)
    {
        var parts = _provisional[contribution.Partition];
        if (contribution.Part == 0)
        {
            parts.Clear();
            parts.Add(contribution);
        }
        else if (parts.Count == contribution.Part && parts[0].Clock == contribution.Clock && parts[0].Parts == contribution.Parts
            && parts[0].Covered.SequenceEqual(contribution.Covered))
        {
            parts.Add(contribution);
        }

        DropCoveredProvisional(contribution.Partition);
    }

    /// <summary>A provisional record the marks cover entirely was closed, by its owner or a successor: no one adopts it.</summary>
    private void DropCoveredProvisional(int partition)
    {
        var parts = _provisional[partition];
        var marks = _partitions[partition].Marks;
        if (parts.Count > 0 && parts[0].Covered.All(c => c.Offset <= marks.Of(c.Source)))
        {
            parts.Clear();
        }
    }

    /// <summary>
    /// A partition's new owner, at its first tick close after restoring the partition from the changelog: adopts the
    /// latest provisional record of the partition when its restored state accounts for everything the record covers
    /// (each covered offset at or below <paramref name="resumeAt"/>, the restored input positions) and no closed tick
    /// counted it yet. Adopted, it is counted as a received contribution, due at once, and published again as a closed
    /// tick (into <paramref name="published"/>) for the other instances. True when adopted.
    /// </summary>
    internal bool Adopt(int partition, IReadOnlyList<(int Source, long Offset)> resumeAt, List<PublishedContribution>? published)
    {
        var parts = _provisional[partition];
        if (parts.Count == 0 || parts.Count != parts[0].Parts)
        {
            return false;
        }

        var covered = parts[0].Covered;
        var marks = _partitions[partition].Marks;
        var accounted = covered.All(c => resumeAt.Any(r => r.Source == c.Source && c.Offset <= r.Offset));
        if (!accounted || covered.All(c => c.Offset <= marks.Of(c.Source)))
        {
            return false;
        }

        foreach (var (source, offset) in covered)
        {
            marks.Claim(source, offset);
        }

        _receiving[partition] = default;
        foreach (var part in parts)
        {
            Adopted++;
            _held[partition].Enqueue(part);
            Interlocked.Increment(ref _heldCount);
            published?.Add(new PublishedContribution(partition, ContributionCodec.AsClosed(part.Encoded)));
        }

        parts.Clear();
        return true;
    }

    /// <summary>Moves the received contributions of <paramref name="partition"/> due at <paramref name="clock"/> into <paramref name="due"/>, in arrival order.</summary>
    internal void TakeDue(int partition, long clock, List<RemoteContribution> due)
    {
        due.Clear();
        var queue = _held[partition];
        while (queue.TryPeek(out var head) && (head.Clock <= clock || Held > MaxHeld))
        {
            MergedEarly += head.Clock > clock ? 1 : 0;
            due.Add(queue.Dequeue());
            Interlocked.Decrement(ref _heldCount);
        }
    }

    /// <summary>
    /// True, and the marks move over what it covers, when this instance's own contribution for <paramref name="partition"/>
    /// counts: not when received contributions cover all of it already (a restart's open tick from its checkpoint, whose
    /// earlier run published that tick).
    /// </summary>
    internal bool AdmitOwn(int partition, IReadOnlyList<(int Source, long Offset)> covered)
    {
        var marks = _partitions[partition].Marks;
        if (covered.Count > 0 && covered.All(c => c.Offset <= marks.Of(c.Source)))
        {
            Superseded++;
            return false;
        }

        foreach (var (source, offset) in covered)
        {
            marks.Claim(source, offset);
        }

        // Its own parts coming back, or a copy's, add nothing.
        _receiving[partition] = default;
        DropCoveredProvisional(partition);
        return true;
    }

    /// <summary>
    /// Writes the marks by topic name (source ids are not kept across starts), and the received contributions still
    /// waiting: the marks count them already, so a start that lost them would never merge them.
    /// </summary>
    /// <param name="w">The checkpoint.</param>
    /// <param name="version">The checkpoint's version: 6 added the record being received and the provisional one, per partition.</param>
    internal void Save(Durability.SnapshotWriter w, int version)
    {
        w.VarUInt((ulong)_partitions.Count);
        foreach (var partition in _partitions)
        {
            var marks = partition.Marks.All().ToList();
            w.VarUInt((ulong)marks.Count);
            foreach (var (source, offset) in marks)
            {
                w.String(_sources.NameOf(source));
                w.Long(offset);
            }

            if (version >= 6)
            {
                var (clock, next, parts) = _receiving[partition.Index];
                w.Long(clock);
                w.VarUInt((ulong)next);
                w.VarUInt((ulong)parts);
                w.VarUInt((ulong)_provisional[partition.Index].Count);
                foreach (var part in _provisional[partition.Index])
                {
                    w.Bytes(part.Encoded);
                }
            }

            var held = _held[partition.Index];
            w.VarUInt((ulong)held.Count);
            foreach (var contribution in held)
            {
                w.Bytes(contribution.Encoded);
            }
        }
    }

    /// <param name="r">The checkpoint.</param>
    /// <param name="decode">Decodes (and interns) a waiting contribution as the decoding stage would.</param>
    internal void Load(Durability.SnapshotReader r, Func<byte[], RemoteContribution> decode)
    {
        var count = r.Count();
        if (count != _partitions.Count)
        {
            throw new InvalidDataException($"The checkpoint's exchange marks cover {count} partitions; the state has {_partitions.Count}.");
        }

        foreach (var partition in _partitions)
        {
            var marks = r.Count();
            for (var i = 0; i < marks; i++)
            {
                partition.Marks.Claim(_sources.Intern(r.String()), r.Long());
            }

            if (r.Version >= 6)
            {
                _receiving[partition.Index] = (r.Long(), r.Count(), r.Count());
                var provisional = r.Count();
                for (var i = 0; i < provisional; i++)
                {
                    _provisional[partition.Index].Add(decode(r.Bytes()));
                }
            }

            var held = r.Count();
            for (var i = 0; i < held; i++)
            {
                _held[partition.Index].Enqueue(decode(r.Bytes()));
                Interlocked.Increment(ref _heldCount);
            }
        }
    }
}
