using System.Buffers;
using System.Buffers.Binary;
using RocksDbSharp;
using StreamRec.Pipeline.State;

namespace StreamRec.State;

/// <summary>
/// An <see cref="IKeyValueStore"/> held in one column family of its partition's RocksDB database
/// (<see cref="RocksDbPartition.OpenKeyValueStore"/>). Puts and deletes are buffered until
/// <see cref="Commit"/>, which writes them, with the store's new entry count, as one atomic
/// <see cref="WriteBatch"/>: after a crash or a dispose without commit the store is as it was at the last
/// commit. Reads see the buffered changes first, since the pipeline reads what it put before committing.
/// Not thread-safe: one partition owns the store and is its only reader and writer.
/// </summary>
public sealed class RocksDbKeyValueStore : IKeyValueStore
{
    private readonly RocksDbPartition _partition;
    private readonly ColumnFamilyHandle _family;
    private readonly byte[] _countKey;
    private readonly Dictionary<byte[], PendingWrite> _pending = new(ByteKeyComparer.Instance);
    private readonly Dictionary<byte[], PendingWrite>.AlternateLookup<ReadOnlySpan<byte>> _pendingBySpan;
    private readonly BufferWriterCopy _copy = new();
    private long _committedCount;
    private long _count;
    private bool _disposed;

    internal RocksDbKeyValueStore(RocksDbPartition partition, string name, ColumnFamilyHandle family, byte[] countKey, long count)
    {
        _partition = partition;
        _family = family;
        _countKey = countKey;
        _pendingBySpan = _pending.GetAlternateLookup<ReadOnlySpan<byte>>();
        _committedCount = _count = count;
        Name = name;
    }

    public string Name { get; }

    /// <summary>Keys held, counting the uncommitted changes of the current unit of work.</summary>
    public long Count
    {
        get
        {
            ThrowIfDisposed();
            return _count;
        }
    }

    /// <summary>Keys put or deleted since the last commit.</summary>
    public int PendingCount => _pending.Count;

    public bool TryGet(ReadOnlySpan<byte> key, IBufferWriter<byte> value)
    {
        ArgumentNullException.ThrowIfNull(value);
        ThrowIfDisposed();
        if (_pendingBySpan.TryGetValue(key, out var pending))
        {
            if (pending.Value is null)
            {
                return false;
            }

            pending.Value.CopyTo(value.GetSpan(pending.Value.Length));
            value.Advance(pending.Value.Length);
            return true;
        }

        _copy.Target = value;
        try
        {
            return _partition.Db.Get(key, _copy, _family);
        }
        finally
        {
            _copy.Target = null;
        }
    }

    public void Put(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        ThrowIfDisposed();
        if (_pendingBySpan.TryGetValue(key, out var pending))
        {
            if (pending.Value is null)
            {
                _count++;
            }

            // The pipeline writes a user back at the same size more often than not: reuse the copy.
            if (pending.Value?.Length == value.Length)
            {
                value.CopyTo(pending.Value);
            }
            else
            {
                pending.Value = value.ToArray();
            }

            return;
        }

        // The count must stay exact without a scan, so the first change of a key in a unit of work asks
        // whether it is already stored.
        var stored = _partition.Db.HasKey(key, _family);
        _pendingBySpan.TryAdd(key, new PendingWrite(value.ToArray(), stored));
        if (!stored)
        {
            _count++;
        }
    }

    public bool Delete(ReadOnlySpan<byte> key)
    {
        ThrowIfDisposed();
        if (_pendingBySpan.TryGetValue(key, out var pending))
        {
            if (pending.Value is null)
            {
                return false;
            }

            pending.Value = null;
            _count--;
            return true;
        }

        if (!_partition.Db.HasKey(key, _family))
        {
            return false;
        }

        _pendingBySpan.TryAdd(key, new PendingWrite(null, storedBefore: true));
        _count--;
        return true;
    }

    /// <summary>
    /// Every entry as copies, uncommitted changes included. Reads the column family from start to end; not for
    /// the hot path, and not to be interleaved with writes to the store.
    /// </summary>
    public IEnumerable<KeyValuePair<byte[], byte[]>> All()
    {
        ThrowIfDisposed();
        var pending = _pending.Where(static p => p.Value.Value is not null).Select(static p => KeyValuePair.Create(p.Key.ToArray(), p.Value.Value!.ToArray())).ToArray();
        return Stored().Concat(pending);
    }

    /// <summary>Writes the changes since the last commit, and the new entry count, in one atomic batch.</summary>
    /// <exception cref="RocksDbException">The write failed; the changes stay buffered, uncommitted.</exception>
    public void Commit()
    {
        ThrowIfDisposed();
        _partition.Commit(this);
    }

    /// <summary>Drops the uncommitted changes and releases the store's name in its partition.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _pending.Clear();
        _partition.Closed(this);
    }

    internal ColumnFamilyHandle Family => _family;

    /// <summary>Adds the unit of work to <paramref name="batch"/>; <paramref name="meta"/> holds the count.</summary>
    internal void AppendTo(WriteBatch batch, ColumnFamilyHandle meta)
    {
        foreach (var (key, pending) in _pending)
        {
            if (pending.Value is not null)
            {
                batch.Put(key, pending.Value, _family);
            }
            else if (pending.StoredBefore)
            {
                batch.Delete(key, _family);
            }
        }

        if (_count != _committedCount)
        {
            Span<byte> count = stackalloc byte[sizeof(long)];
            BinaryPrimitives.WriteInt64LittleEndian(count, _count);
            batch.Put(_countKey, count, meta);
        }
    }

    /// <summary>The batch holding <see cref="AppendTo"/>'s changes is durable: start a new unit of work.</summary>
    internal void Committed()
    {
        _pending.Clear();
        _committedCount = _count;
    }

    private IEnumerable<KeyValuePair<byte[], byte[]>> Stored()
    {
        using var iterator = _partition.Db.NewIterator(_family);
        for (iterator.SeekToFirst(); iterator.Valid(); iterator.Next())
        {
            var key = iterator.Key();
            if (!_pending.ContainsKey(key))
            {
                yield return KeyValuePair.Create(key, iterator.Value());
            }
        }

        Native.Instance.rocksdb_iter_get_error(iterator.Handle);
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);

    /// <summary>A key's change in the current unit of work: its new value (null once deleted), and whether it was stored before.</summary>
    private sealed class PendingWrite(byte[]? value, bool storedBefore)
    {
        public byte[]? Value { get; set; } = value;

        public bool StoredBefore { get; } = storedBefore;
    }
}
