namespace StreamRec.Pipeline.Durability;

/// <summary>
/// The user partitions an instance owns, shared between the consumer's rebalance handlers and the core. Owned
/// partitions are processed; a revoked one is suspended at once (its changelog is not written until it is
/// assigned again), so once a revocation handler returns, the next owner reads a changelog no one else appends to.
/// </summary>
public sealed class PartitionOwnership
{
    private readonly bool[] _owned;
    private readonly bool[] _writable;
    private readonly long[] _durableOffsets;
    private readonly bool[] _durablePrefixes;
    private readonly object _deliveries = new();
    private long _decided;
    private long _delivered;

    public PartitionOwnership(int partitions)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(partitions, 1);
        _owned = new bool[partitions];
        _writable = new bool[partitions];
        _durableOffsets = new long[partitions];
        Array.Fill(_durableOffsets, -1);
        _durablePrefixes = new bool[partitions];
    }

    /// <summary>
    /// The state directory's identity (empty until it is opened), stamped on every changelog record this instance
    /// writes: at start-up, a changelog tail that carries only this identity was written here after the directory's
    /// last commit (a kill between the append and the commit), so the local checkpoint, not the tail, is the state
    /// every input position of the directory agrees with.
    /// </summary>
    public ReadOnlyMemory<byte> Writer { get; private set; }

    /// <summary>True when the state directory holds a committed checkpoint (published with <see cref="Writer"/>).</summary>
    public bool HoldsCheckpoint { get; private set; }

    /// <summary>Held while the changelog is written and while partitions are suspended, so the two never interleave.</summary>
    public Lock Gate { get; } = new();

    public int Partitions => _owned.Length;

    /// <summary>True when the partition is assigned to this instance: its events are applied (the core drops others').</summary>
    public bool IsOwned(int partition) => Volatile.Read(ref _owned[partition]);

    /// <summary>
    /// True between a revocation and the next assignment for a partition still owned: its open tick is held, neither
    /// published nor merged, since the next owner may already be counting it (read without <see cref="Gate"/>).
    /// </summary>
    public bool IsSuspended(int partition) => IsOwned(partition) && !Volatile.Read(ref _writable[partition]);

    /// <summary>True when the checkpointer may append the partition's changes (call under <see cref="Gate"/>).</summary>
    public bool IsWritable(int partition) => _writable[partition];

    /// <summary>
    /// The changelog offset the durable store of the partition is restored up to, or -1 when the store holds no
    /// changelog-backed state of it (published after each local commit, read at assignment).
    /// </summary>
    public long DurableOffset(int partition) => Interlocked.Read(ref _durableOffsets[partition]);

    /// <summary>
    /// True when the durable store of the partition is exactly the changelog up to <see cref="DurableOffset"/>, with no
    /// change of its own beyond it, so a restore may apply only the records after that offset.
    /// </summary>
    public bool IsDurablePrefix(int partition) => Volatile.Read(ref _durablePrefixes[partition]);

    /// <summary>A new assignment: exactly <paramref name="partitions"/> are owned and writable.</summary>
    public void Assign(IReadOnlyCollection<int> partitions)
    {
        ArgumentNullException.ThrowIfNull(partitions);
        lock (Gate)
        {
            for (var p = 0; p < _owned.Length; p++)
            {
                var owned = partitions.Contains(p);
                Volatile.Write(ref _owned[p], owned);
                Volatile.Write(ref _writable[p], owned);
            }
        }
    }

    /// <summary>
    /// Revocation: waits for a changelog append in progress, then no more are made for <paramref name="partitions"/>,
    /// and no more exchange records of them are decided. Returns how many exchange records had been decided by then
    /// (see <see cref="WaitDelivered"/>).
    /// </summary>
    public long Suspend(IEnumerable<int> partitions)
    {
        ArgumentNullException.ThrowIfNull(partitions);
        lock (Gate)
        {
            foreach (var p in partitions)
            {
                Volatile.Write(ref _writable[p], false);
            }

            return Interlocked.Read(ref _decided);
        }
    }

    /// <summary>
    /// Runs <paramref name="decide"/> under <see cref="Gate"/>, so the suspensions it reads and the exchange records it adds
    /// to <paramref name="published"/> come wholly before or wholly after a revocation, and counts those records as decided.
    /// </summary>
    public void Decide(List<Exchange.PublishedContribution> published, Action decide)
    {
        ArgumentNullException.ThrowIfNull(published);
        ArgumentNullException.ThrowIfNull(decide);
        lock (Gate)
        {
            var before = published.Count;
            decide();
            Interlocked.Add(ref _decided, published.Count - before);
        }
    }

    /// <summary>Exchange records decided before this start (the restored outbox's), published again first.</summary>
    public void Decided(int records) => Interlocked.Add(ref _decided, records);

    /// <summary>The broker answered for one exchange record (acknowledged or refused).</summary>
    public void Delivered()
    {
        lock (_deliveries)
        {
            _delivered++;
            Monitor.PulseAll(_deliveries);
        }
    }

    /// <summary>
    /// Waits until the broker answered for the first <paramref name="decided"/> exchange records, at most
    /// <paramref name="timeout"/>: a revocation returns only once what its partitions published is on the broker, so
    /// the next owner, catching up with the topic's end after its assignment, reads it. False when the time ran out.
    /// </summary>
    public bool WaitDelivered(long decided, TimeSpan timeout)
    {
        var deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        lock (_deliveries)
        {
            while (_delivered < decided)
            {
                var left = deadline - Environment.TickCount64;
                if (left <= 0)
                {
                    return false;
                }

                Monitor.Wait(_deliveries, TimeSpan.FromMilliseconds(left));
            }

            return true;
        }
    }

    /// <summary>True when <paramref name="writer"/> is this state directory's identity.</summary>
    public bool WrittenHere(ReadOnlySpan<byte> writer) => !Writer.IsEmpty && writer.SequenceEqual(Writer.Span);

    /// <summary>Once, when the state directory is opened and before any consumer starts.</summary>
    internal void PublishWriter(byte[] writer, bool holdsCheckpoint)
    {
        Writer = writer;
        HoldsCheckpoint = holdsCheckpoint;
    }

    internal void PublishDurable(IReadOnlyList<long> offsets, IReadOnlyList<bool> prefixes)
    {
        for (var p = 0; p < _durableOffsets.Length; p++)
        {
            Interlocked.Exchange(ref _durableOffsets[p], offsets[p]);
            Volatile.Write(ref _durablePrefixes[p], prefixes[p]);
        }
    }
}
