namespace StreamRec.Pipeline.Exchange;

/// <summary>
/// Which contributions to the room aggregates this instance has counted, per user partition, and the ones received
/// from other instances that wait for their turn. Part of the state (the marks are checkpointed); the core's
/// coordinating thread alone touches it.
/// </summary>
/// <remarks>
/// <para>Each partition has an applied mark: the clock of the last tick close whose contribution was counted, and
/// whether this instance made it. A contribution is counted only past the mark, so the first one for a stretch of
/// event time wins: an instance's own records coming back from the topic, and a new owner's re-publishing of ticks
/// its predecessor had published before a handover, are not counted twice. An instance's own merges pass the same
/// gate: while the mark is another instance's, its re-processing of that stretch is not counted again.</para>
/// <para>A received contribution is merged at the first tick close at or after its clock, in its partition's place in
/// partition order, so an instance that lags its peers still merges their work in event-time order, and a restart
/// that re-processes what its earlier run published merges the same sums at the same closes. A partition's
/// contributions are taken in arrival order (one waiting for its clock holds back those that came after it), so the
/// first to arrive is the first to pass the gate. At most <see cref="MaxHeld"/> wait; beyond that the oldest are
/// merged at once (counted in <see cref="MergedEarly"/>).</para>
/// </remarks>
public sealed class AggregateExchange
{
    /// <summary>Received contributions that may wait for this instance's clock at most (each holds one partition's tick: kilobytes to tens of them).</summary>
    public const int MaxHeld = 4_096;

    private readonly long[] _applied;
    private readonly bool[] _own;
    private readonly Queue<RemoteContribution>[] _held;
    private int _heldCount;

    public AggregateExchange(int partitions)
    {
        _applied = new long[partitions];
        Array.Fill(_applied, long.MinValue);
        _own = new bool[partitions];
        _held = [.. Enumerable.Range(0, partitions).Select(_ => new Queue<RemoteContribution>())];
    }

    /// <summary>True when this instance publishes its partitions' contributions (over Kafka); a file replay keeps them to itself.</summary>
    public bool Publishes { get; set; }

    /// <summary>Received contributions merged.</summary>
    public long Merged { get; private set; }

    /// <summary>Contributions not counted because one for the same stretch of event time already was (received or own).</summary>
    public long Superseded { get; private set; }

    /// <summary>Received contributions merged before this instance's clock reached theirs, because too many waited.</summary>
    public long MergedEarly { get; private set; }

    /// <summary>Received contributions waiting for this instance's clock.</summary>
    public int Held => Volatile.Read(ref _heldCount);

    /// <summary>The clock of the last tick close counted for <paramref name="partition"/> (<see cref="long.MinValue"/>: none).</summary>
    public long AppliedMark(int partition) => _applied[partition];

    internal void Hold(List<RemoteContribution> received)
    {
        foreach (var contribution in received)
        {
            _held[contribution.Partition].Enqueue(contribution);
        }

        Interlocked.Add(ref _heldCount, received.Count);
    }

    /// <summary>Moves the received contributions of <paramref name="partition"/> due at <paramref name="clock"/> into <paramref name="due"/>, in arrival order.</summary>
    internal void TakeDue(int partition, long clock, List<RemoteContribution> due)
    {
        due.Clear();
        var queue = _held[partition];
        while (queue.TryPeek(out var head) && (head.Clock <= clock || _heldCount > MaxHeld))
        {
            MergedEarly += head.Clock > clock ? 1 : 0;
            due.Add(queue.Dequeue());
            Interlocked.Decrement(ref _heldCount);
        }
    }

    /// <summary>True (and the mark moves) when a received contribution is past the partition's mark.</summary>
    internal bool AdmitReceived(RemoteContribution contribution)
    {
        var p = contribution.Partition;
        if (contribution.Clock <= _applied[p])
        {
            Superseded++;
            return false;
        }

        _applied[p] = contribution.Clock;
        _own[p] = false;
        Merged++;
        return true;
    }

    /// <summary>True (and the mark moves) when this instance's own contribution for <paramref name="partition"/> at <paramref name="clock"/> counts.</summary>
    internal bool AdmitOwn(int partition, long clock)
    {
        // Several closes can share a clock (a room_stop's, then the tick's): all of this instance's own count.
        if (clock > _applied[partition] || (_own[partition] && clock == _applied[partition]))
        {
            _applied[partition] = clock;
            _own[partition] = true;
            return true;
        }

        Superseded++;
        return false;
    }

    internal void Save(Durability.SnapshotWriter w)
    {
        w.VarUInt((ulong)_applied.Length);
        for (var p = 0; p < _applied.Length; p++)
        {
            w.Long(_applied[p]);
            w.Bool(_own[p]);
        }
    }

    internal void Load(Durability.SnapshotReader r)
    {
        var count = r.Count();
        if (count != _applied.Length)
        {
            throw new InvalidDataException($"The checkpoint's exchange marks cover {count} partitions; the state has {_applied.Length}.");
        }

        for (var p = 0; p < count; p++)
        {
            _applied[p] = r.Long();
            _own[p] = r.Bool();
        }
    }
}
