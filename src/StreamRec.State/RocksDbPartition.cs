using System.Buffers.Binary;
using System.Text;
using RocksDbSharp;
using StreamRec.Pipeline.State;

namespace StreamRec.State;

/// <summary>
/// The RocksDB database of one state partition: one directory, one column family per store, and the
/// partition's own metadata (layout version, each store's entry count) in the default column family.
/// Keeping every store of a partition in one database lets one <see cref="WriteBatch"/> span them, so the
/// partition's consumed offsets can later be committed with the state they produced, as Kafka Streams does
/// with its offsets column family (KIP-1035).
/// Not thread-safe: the partition's thread owns it and its stores.
/// </summary>
public sealed class RocksDbPartition : IStateDirectory
{
    /// <summary>Version of the on-disk layout (column family per store, metadata keys); checked on open.</summary>
    public const byte LayoutVersion = 1;

    private static readonly byte[] LayoutKey = "streamrec.layout"u8.ToArray();
    private const string CountKeyPrefix = "streamrec.count.";
    private const int MaxStoreNameLength = 64;

    private readonly RocksDb _db;
    private readonly DbOptions _dbOptions;
    private readonly ColumnFamilyOptions _storeOptions;
    private readonly WriteOptions _writeOptions;
    private readonly ColumnFamilyHandle _meta;
    private readonly WriteBatch _batch = new();
    private readonly Dictionary<string, RocksDbKeyValueStore> _open = new(StringComparer.Ordinal);
    private bool _disposed;

    private RocksDbPartition(int partition, string directory, RocksDb db, DbOptions dbOptions, ColumnFamilyOptions storeOptions, WriteOptions writeOptions)
    {
        Partition = partition;
        Directory = directory;
        _db = db;
        _dbOptions = dbOptions;
        _storeOptions = storeOptions;
        _writeOptions = writeOptions;
        _meta = db.GetDefaultColumnFamily();
    }

    /// <summary>The partition number.</summary>
    public int Partition { get; }

    /// <summary>The directory holding the partition's database.</summary>
    public string Directory { get; }

    /// <summary>Names of the stores this partition holds on disk, opened or not.</summary>
    public IReadOnlyList<string> StoreNames
    {
        get
        {
            ThrowIfDisposed();
            return [.. RocksDb.ListColumnFamilies(_dbOptions, Directory).Where(static n => n != ColumnFamilies.DefaultName).Order(StringComparer.Ordinal)];
        }
    }

    /// <summary>
    /// Opens partition <paramref name="partition"/>'s database under <see cref="RocksDbStoreOptions.Directory"/>,
    /// creating it when absent. RocksDB locks the directory, so a second open, in this process or another, fails.
    /// </summary>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    /// <exception cref="InvalidDataException">The directory holds a database of another layout version.</exception>
    /// <exception cref="RocksDbException">RocksDB could not open the database (locked, corrupt, unwritable).</exception>
    public static RocksDbPartition Open(RocksDbStoreOptions options, int partition)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var directory = Path.GetFullPath(options.PartitionDirectory(partition));
        System.IO.Directory.CreateDirectory(directory);

        var dbOptions = new DbOptions()
            .SetCreateIfMissing(true)
            .SetCreateMissingColumnFamilies(true)
            .IncreaseParallelism(options.BackgroundJobs)
            // RocksDB's info LOG otherwise grows without bound in every partition directory.
            .SetMaxLogFileSize(1 << 20)
            .SetKeepLogFileNum(2);
        // No block compression, as Kafka Streams' RocksDB stores: user states are small and already compact,
        // and an erased user's id must be provably absent from the files, which compressed blocks would hide.
        var storeOptions = new ColumnFamilyOptions().SetWriteBufferSize((ulong)options.WriteBufferBytes).SetCompression(Compression.No);
        var writeOptions = new WriteOptions().SetSync(options.SyncCommits);

        // RocksDB refuses to open a database without naming every column family it holds.
        var families = new ColumnFamilies(storeOptions);
        var storeCount = 0;
        if (File.Exists(Path.Combine(directory, "CURRENT")))
        {
            foreach (var name in RocksDb.ListColumnFamilies(dbOptions, directory).Where(static n => n != ColumnFamilies.DefaultName))
            {
                families.Add(name, storeOptions);
                storeCount++;
            }
        }

        var db = RocksDb.Open(dbOptions, directory, families);
        try
        {
            CheckLayout(db, directory, storeCount);
            return new RocksDbPartition(partition, directory, db, dbOptions, storeOptions, writeOptions);
        }
        catch
        {
            db.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Opens the key-value store <paramref name="name"/> (its column family is created when absent). A store has
    /// one owner: it cannot be opened again until the open instance is disposed.
    /// </summary>
    /// <param name="name">1 to 64 characters of <c>[A-Za-z0-9._-]</c>, other than <c>default</c>.</param>
    public RocksDbKeyValueStore OpenKeyValueStore(string name)
    {
        ThrowIfDisposed();
        CheckStoreName(name);
        if (_open.ContainsKey(name))
        {
            throw new InvalidOperationException($"Store '{name}' of partition {Partition} is already open.");
        }

        var family = _db.TryGetColumnFamily(name, out var existing) ? existing : _db.CreateColumnFamily(_storeOptions, name);
        var countKey = Encoding.UTF8.GetBytes(CountKeyPrefix + name);
        var store = new RocksDbKeyValueStore(this, name, family, countKey, ReadCount(family, countKey));
        _open.Add(name, store);
        return store;
    }

    IKeyValueStore IStateDirectory.OpenKeyValueStore(string name) => OpenKeyValueStore(name);

    /// <summary>Writes the unit of work of every open store, and their entry counts, in one atomic batch.</summary>
    /// <exception cref="RocksDbException">The write failed; the changes stay buffered, uncommitted.</exception>
    public void Commit()
    {
        ThrowIfDisposed();
        _batch.Clear();
        foreach (var store in _open.Values)
        {
            store.AppendTo(_batch, _meta);
        }

        if (_batch.Count() > 0)
        {
            _db.Write(_batch, _writeOptions);
        }

        _batch.Clear();
        foreach (var store in _open.Values)
        {
            store.Committed();
        }
    }

    /// <summary>
    /// Flushes every store's memtable, so the write-ahead log holding deleted values becomes obsolete and is
    /// removed, then compacts every store, so no file keeps a deleted key's old value.
    /// </summary>
    public void Compact()
    {
        ThrowIfDisposed();
        var families = new List<ColumnFamilyHandle> { _meta };
        families.AddRange(_open.Values.Select(static s => s.Family));
        var flush = new FlushOptions().SetWaitForFlush(true);
        foreach (var family in families)
        {
            Native.Instance.rocksdb_flush_cf(_db.Handle, flush.Handle, family.Handle);
        }

        foreach (var family in families)
        {
            _db.CompactRange((byte[]?)null, null, family);
        }
    }

    /// <summary>Closes the database. Uncommitted changes of stores still open are lost, as after a crash.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        foreach (var store in _open.Values.ToArray())
        {
            store.Dispose();
        }

        _batch.Dispose();
        _db.Dispose();
    }

    internal RocksDb Db => _db;

    /// <summary>Writes <paramref name="store"/>'s unit of work, and its new entry count, in one atomic batch.</summary>
    internal void Commit(RocksDbKeyValueStore store)
    {
        ThrowIfDisposed();
        _batch.Clear();
        store.AppendTo(_batch, _meta);
        if (_batch.Count() > 0)
        {
            _db.Write(_batch, _writeOptions);
        }

        _batch.Clear();
        store.Committed();
    }

    internal void Closed(RocksDbKeyValueStore store) => _open.Remove(store.Name);

    internal void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);

    private long ReadCount(ColumnFamilyHandle family, byte[] countKey)
    {
        var stored = _db.Get(countKey, _meta);
        if (stored is { Length: sizeof(long) })
        {
            return BinaryPrimitives.ReadInt64LittleEndian(stored);
        }

        // A store created but never committed has no count yet; counting also repairs a lost one.
        long count = 0;
        using var iterator = _db.NewIterator(family);
        for (iterator.SeekToFirst(); iterator.Valid(); iterator.Next())
        {
            count++;
        }

        Native.Instance.rocksdb_iter_get_error(iterator.Handle);
        return count;
    }

    private static void CheckLayout(RocksDb db, string directory, int storeCount)
    {
        var layout = db.Get(LayoutKey);
        // Empty rather than absent: a process killed between creating the database and stamping it left
        // a database that is new all the same.
        if (layout is null && storeCount == 0 && IsEmpty(db))
        {
            db.Put(LayoutKey, new[] { LayoutVersion }, writeOptions: new WriteOptions().SetSync(true));
            return;
        }

        if (layout is not [LayoutVersion])
        {
            var found = layout is [var v] ? v.ToString() : "none";
            throw new InvalidDataException($"The state in {directory} has layout version {found}; this version reads {LayoutVersion}.");
        }
    }

    private static bool IsEmpty(RocksDb db)
    {
        using var iterator = db.NewIterator();
        iterator.SeekToFirst();
        var empty = !iterator.Valid();
        Native.Instance.rocksdb_iter_get_error(iterator.Handle);
        return empty;
    }

    private static void CheckStoreName(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var valid = name.Length <= MaxStoreNameLength && name != ColumnFamilies.DefaultName && name.All(static c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-');
        if (!valid)
        {
            throw new ArgumentException($"Store name '{name}' must be 1 to {MaxStoreNameLength} characters of [A-Za-z0-9._-], other than '{ColumnFamilies.DefaultName}'.", nameof(name));
        }
    }
}
