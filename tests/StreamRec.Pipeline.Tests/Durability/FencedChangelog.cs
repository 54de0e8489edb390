using StreamRec.Pipeline.Durability;

namespace StreamRec.Pipeline.Tests.Durability;

/// <summary>A <see cref="RecordingChangelog"/> whose deltas are fenced: every partition's floor is <see cref="Floor"/>.</summary>
internal sealed class FencedChangelog(int partitions) : IStateChangelog
{
    public RecordingChangelog Inner { get; } = new(partitions);

    public long Floor { get; set; }

    public PartitionOwnership Ownership => Inner.Ownership;

    public IReadOnlyDictionary<int, long> Append(IReadOnlyList<ChangelogRecord> records) => Inner.Append(records);

    public long? DeltasFloor(int partition) => Floor;
}
