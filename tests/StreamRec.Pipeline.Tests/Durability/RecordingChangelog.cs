using StreamRec.Pipeline.Durability;

namespace StreamRec.Pipeline.Tests.Durability;

/// <summary>A changelog in memory: each partition an append-only list, its end offset the list's length.</summary>
internal sealed class RecordingChangelog : IStateChangelog
{
    public RecordingChangelog(int partitions)
        : this([.. Enumerable.Range(0, partitions).Select(_ => new List<KeyValuePair<byte[], byte[]?>>())])
    {
    }

    private RecordingChangelog(List<KeyValuePair<byte[], byte[]?>>[] partitions)
    {
        Ownership = new PartitionOwnership(partitions.Length);
        Ownership.Assign([.. Enumerable.Range(0, partitions.Length)]);
        Partitions = partitions;
    }

    public PartitionOwnership Ownership { get; }

    public List<KeyValuePair<byte[], byte[]?>>[] Partitions { get; }

    public IReadOnlyDictionary<int, long> Append(IReadOnlyList<ChangelogRecord> records)
    {
        foreach (var record in records)
        {
            Partitions[record.Partition].Add(new(record.Key, record.Value));
        }

        return records.Select(r => r.Partition).Distinct().ToDictionary(p => p, p => (long)Partitions[p].Count);
    }

    /// <summary>The same changelog as another instance sees it: the records shared, the ownership its own.</summary>
    public RecordingChangelog Instance() => new(Partitions);

    /// <summary>Each partition's records after the offset given for it, as an incremental restore reads them.</summary>
    public PartitionHandover Tail(IReadOnlyList<long> from) =>
        new([], [.. Partitions.Select((records, p) => new ChangelogRestore(p, records.Count, [.. records.Skip((int)from[p])], Incremental: true))]);

    /// <summary>Each partition read from its start to its end, as a restore reads it.</summary>
    public PartitionHandover Handover() =>
        new([], [.. Partitions.Select((records, p) => new ChangelogRestore(p, records.Count, [.. records]))]);

    /// <summary>The last record of every key, as compaction keeps it.</summary>
    public Dictionary<string, byte[]?> Latest() =>
        Partitions.SelectMany(p => p).GroupBy(r => System.Text.Encoding.UTF8.GetString(r.Key)).ToDictionary(g => g.Key, g => g.Last().Value);
}
