namespace StreamRec.State;

/// <summary>
/// Where and how the RocksDB state stores keep their data. Immutable; <see cref="Validate"/> runs when a
/// partition is opened (and at host start-up once bound), listing every problem at once.
/// </summary>
public sealed record RocksDbStoreOptions
{
    /// <summary>
    /// The state directory. Each partition's database lives in its own subdirectory,
    /// <c>partition-N</c>, so partitions can move between instances one directory at a time.
    /// </summary>
    public string Directory { get; init; } = string.Empty;

    /// <summary>
    /// Whether a commit waits for its write-ahead log record to reach the disk (fsync). Without it a commit
    /// survives the process being killed, since the record is already in the operating system's page cache,
    /// but not a power loss or kernel crash; with it each commit costs a disk flush.
    /// </summary>
    public bool SyncCommits { get; init; }

    /// <summary>
    /// Memtable size of each store (column family) before it is flushed to a file. RocksDB's own default is
    /// 64 MiB; a quarter of that keeps a process with a few partitions and stores within a few hundred MiB.
    /// </summary>
    public long WriteBufferBytes { get; init; } = 16L << 20;

    /// <summary>Background threads for flushes and compactions, shared by the partition's stores.</summary>
    public int BackgroundJobs { get; init; } = 2;

    /// <summary>The directory of partition <paramref name="partition"/>'s database.</summary>
    public string PartitionDirectory(int partition)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(partition);
        return Path.Combine(Directory, $"partition-{partition}");
    }

    /// <summary>Checks every setting and returns this instance.</summary>
    /// <exception cref="ArgumentException">One or more settings are invalid; the message lists them all.</exception>
    public RocksDbStoreOptions Validate()
    {
        var errors = new List<string>();
        void Check(bool ok, string message)
        {
            if (!ok)
            {
                errors.Add(message);
            }
        }

        Check(!string.IsNullOrWhiteSpace(Directory), "Directory must name the state directory.");
        Check(Directory is null || Directory.IndexOfAny(Path.GetInvalidPathChars()) < 0, "Directory contains characters that are not valid in a path.");
        Check(WriteBufferBytes is >= 1L << 20 and <= 1L << 30, $"WriteBufferBytes must be in [1 MiB, 1 GiB], got {WriteBufferBytes}.");
        Check(BackgroundJobs is >= 1 and <= 64, $"BackgroundJobs must be in [1, 64], got {BackgroundJobs}.");
        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid RocksDB store options:" + Environment.NewLine + string.Join(Environment.NewLine, errors));
        }

        return this;
    }
}
