using StreamRec.Pipeline.Ids;
using StreamRec.Pipeline.Options;
using StreamRec.Pipeline.Partitioning;
using StreamRec.Pipeline.Retrieval;

namespace StreamRec.Pipeline.State;

/// <summary>
/// The state of one pipeline instance: the id tables, the global room table and live-room index (every
/// partition sees every room event, like a Kafka Streams global table), and one <see cref="PartitionState"/>
/// per user partition.
/// </summary>
public sealed class PipelineState
{
    public PipelineState(PipelineOptions options, Func<int, IKeyValueStore> userStore)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(userStore);
        Rooms = new InMemoryRoomStateStore(options.VectorDimensions);
        LiveIndex = new LiveRoomIndex(options.Retrieval, options.PopularityHalfLife, Ids);
        Partitions = [.. Enumerable.Range(0, options.Partitions).Select(p => new PartitionState(p, options, Ids.Users, userStore(p)))];
        PartitionMap = new PartitionMap(Ids.Users, options.Partitions);
    }

    public IdTables Ids { get; } = new();

    public IRoomStateStore Rooms { get; }

    public LiveRoomIndex LiveIndex { get; }

    public IReadOnlyList<PartitionState> Partitions { get; }

    /// <summary>The partition of each interned user.</summary>
    public PartitionMap PartitionMap { get; }

    /// <summary>Users across all partitions.</summary>
    public long UserCount => Partitions.Sum(static p => p.Users.Count);

    /// <summary>Fresh state with in-memory stores.</summary>
    public static PipelineState InMemory(PipelineOptions options) => new(options, p => new InMemoryKeyValueStore($"users-{p}"));
}
