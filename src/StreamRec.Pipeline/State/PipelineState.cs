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
        RoomStore = new InMemoryRoomStateStore(options.VectorDimensions);
        LiveIndex = new LiveRoomIndex(options.Retrieval, options.PopularityHalfLife, Ids);
        CoEngagement = new CoEngagementTable(options.CoEngagement.Neighbours, options.CoEngagement.HalfLife);
        Partitions = [.. Enumerable.Range(0, options.Partitions).Select(p => new PartitionState(p, options, Ids.Users, userStore(p)))];
        PartitionMap = new PartitionMap(Ids.Users, options.Partitions);
        Exchange = new Exchange.AggregateExchange(Partitions, Ids.Sources);
    }

    public IdTables Ids { get; } = new();

    public IRoomStateStore Rooms => RoomStore;

    /// <summary>Durable checkpoints and what they restored; null for state kept in memory only.</summary>
    public Durability.StateCheckpointer? Checkpoints { get; private set; }

    /// <summary>The partitions this instance owns when its state is backed by a changelog; null when it owns them all.</summary>
    public Durability.PartitionOwnership? Ownership { get; private set; }

    internal InMemoryRoomStateStore RoomStore { get; }

    public LiveRoomIndex LiveIndex { get; }

    /// <summary>Streamer-to-streamer co-engagement, global like the room table.</summary>
    public CoEngagementTable CoEngagement { get; }

    public IReadOnlyList<PartitionState> Partitions { get; }

    /// <summary>What this instance counted of each partition's contributions to the room aggregates, and what other instances sent.</summary>
    public Exchange.AggregateExchange Exchange { get; }

    /// <summary>The partition of each interned user.</summary>
    public PartitionMap PartitionMap { get; }

    /// <summary>Hour of event time of the last idle-user expiry scan (<see cref="long.MinValue"/>: none yet).</summary>
    public long ExpiryScanHour { get; set; } = long.MinValue;

    /// <summary>Start of the first hour of event time the core saw: no user's latest event is older.</summary>
    public long ExpiryScanFrom { get; set; }

    /// <summary>Users across all partitions.</summary>
    public long UserCount => Partitions.Sum(static p => p.Users.Count);

    /// <summary>
    /// State kept in <paramref name="directory"/>: restored from its last checkpoint when it has one, and
    /// checkpointed every <see cref="PipelineOptions.CheckpointInterval"/> while the pipeline runs.
    /// </summary>
    /// <param name="options">Pipeline settings; the shape (partitions, dimensions, list sizes) must match the directory's.</param>
    /// <param name="directory">Where the stores live.</param>
    /// <param name="time">Wall clock of the checkpoint interval.</param>
    /// <param name="resumesAfterStop">True for an input that goes on after the stream stops (Kafka), false for a file.</param>
    /// <param name="changelog">
    /// Where each checkpoint also sends its users' changes, so partitions can move between instances (Kafka); null for
    /// state that stays with its instance.
    /// </param>
    /// <exception cref="InvalidDataException">The directory was written with other settings or by another version.</exception>
    public static PipelineState Open(PipelineOptions options, IStateDirectory directory, TimeProvider time, bool resumesAfterStop = false, Durability.IStateChangelog? changelog = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(time);
        var state = new PipelineState(options, p => directory.OpenKeyValueStore($"users-{p}"));
        if (changelog is not null && changelog.Ownership.Partitions != options.Partitions)
        {
            throw new ArgumentException($"The changelog's ownership covers {changelog.Ownership.Partitions} partitions; the pipeline has {options.Partitions}.", nameof(changelog));
        }

        state.Ownership = changelog?.Ownership;
        state.Checkpoints = new Durability.StateCheckpointer(options, state, directory, time, resumesAfterStop, changelog);
        return state;
    }

    /// <summary>Fresh state with in-memory stores.</summary>
    public static PipelineState InMemory(PipelineOptions options) => new(options, p => new InMemoryKeyValueStore($"users-{p}"));
}
