using StreamRec.Pipeline.Ids;
using StreamRec.Pipeline.Options;

namespace StreamRec.Pipeline.State;

/// <summary>
/// Everything one user partition owns: its users' store, the indexes derived from it (holders of each room,
/// most attached viewers of each streamer), its pending re-ranks, and its contributions to the global room
/// aggregates for the current tick. Only the partition's own worker touches it while partitions run.
/// </summary>
public sealed class PartitionState
{
    public PartitionState(int index, PipelineOptions options, IdTable userIds, IKeyValueStore store)
    {
        ArgumentNullException.ThrowIfNull(options);
        Index = index;
        Users = new UserStates(store, userIds, options.VectorDimensions, options.MaxAffinities, options.TopK + options.RankedRunnersUp);
        Favourites = new FavouriteIndex(options.FavouriteFanoutLimit, options.AffinityHalfLife);
        Contributions = new RoomContributions(options.VectorDimensions);
        CoEngagement = new CoEngagementContributions(options.CoEngagement.HalfLife);
    }

    public int Index { get; }

    public UserStates Users { get; }

    public HolderIndex Holders { get; } = new();

    public FavouriteIndex Favourites { get; }

    public PendingReranks Reranks { get; } = new();

    public RoomContributions Contributions { get; }

    /// <summary>What of this partition's input the room aggregates count already (see <see cref="Exchange.AggregateExchange"/>).</summary>
    public Exchange.ExchangeMarks Marks { get; } = new();

    /// <summary>
    /// Set when the partition was restored from the changelog: the input positions (source id, offset) the restored
    /// state accounts for, until the next tick close adopts the open tick that state's checkpoint published
    /// (<see cref="Exchange.AggregateExchange.Adopt"/>).
    /// </summary>
    public IReadOnlyList<(int Source, long Offset)>? PendingAdoption { get; set; }

    /// <summary>This tick's additions to the global co-engagement table.</summary>
    public CoEngagementContributions CoEngagement { get; }

    /// <summary>Forgets what the open tick added to the aggregates (merged at its close, or counted elsewhere).</summary>
    public void ClearOpenTick()
    {
        Contributions.Clear();
        CoEngagement.Clear();
    }

    /// <summary>Users whose top-K held a room that stopped since the last tick close: promoted at the next one.</summary>
    public HashSet<int> Promotions { get; } = [];

    /// <summary>Withdrawals of forgotten users, sent at the tick's close with the tick's other deltas.</summary>
    public List<Contracts.Outputs.RecommendationDelta> Forgotten { get; } = [];

    /// <summary>Users forgotten since the last checkpoint, whose names the next one erases from the store.</summary>
    public List<int> ErasedIds { get; } = [];
}
