using StreamRec.Pipeline.Ids;

namespace StreamRec.Pipeline.State;

/// <summary>The stores and id tables of one pipeline instance (one user partition).</summary>
public sealed record PipelineState(IdTables Ids, IUserStateStore Users, IRoomStateStore Rooms, IRankingStore Rankings)
{
    /// <summary>Fresh in-memory state.</summary>
    public static PipelineState InMemory(int dimensions) =>
        new(new IdTables(), new InMemoryUserStateStore(dimensions), new InMemoryRoomStateStore(dimensions), new InMemoryRankingStore());
}
