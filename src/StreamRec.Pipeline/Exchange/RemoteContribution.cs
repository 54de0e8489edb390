using StreamRec.Pipeline.State;

namespace StreamRec.Pipeline.Exchange;

/// <summary>
/// One partition's additions to the room aggregates at one tick close (or one part of them) of the instance that processed it, read back
/// from the exchange topic and interned into this instance's ids by the decoding stage.
/// </summary>
public sealed class RemoteContribution(
    int partition, long clock, IReadOnlyList<(int Source, long Offset)> covered, RoomContributions rooms, CoEngagementContributions pairs, byte[]? encoded = null)
{
    /// <summary>The record as received (see <see cref="ContributionCodec"/>): what a checkpoint keeps of one still waiting.</summary>
    public byte[] Encoded { get; } = encoded ?? [];

    /// <summary>The user partition whose events made it.</summary>
    public int Partition { get; } = partition;

    /// <summary>The event-time clock of the tick close that merged it where it was made.</summary>
    public long Clock { get; } = clock;

    /// <summary>Per input topic (<see cref="Ids.IdTables.Sources"/>), the highest offset of an event it counts.</summary>
    public IReadOnlyList<(int Source, long Offset)> Covered { get; } = covered;

    /// <summary>Which part of its tick's record this is (0 first), of <see cref="Parts"/>.</summary>
    public int Part { get; init; }

    /// <summary>How many parts its tick's contributions were cut into.</summary>
    public int Parts { get; init; } = 1;

    /// <summary>A checkpoint's open tick: kept aside, merged only if the partition's next owner adopts it.</summary>
    public bool IsProvisional { get; init; }

    public RoomContributions Rooms { get; } = rooms;

    public CoEngagementContributions Pairs { get; } = pairs;
}
