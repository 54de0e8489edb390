namespace StreamRec.Pipeline.State;

/// <summary>
/// Per-user state keyed by interned user id. Implementations may be partitioned by user key (one store per
/// Kafka partition) and backed by durable storage; the pipeline mutates the returned object in place and
/// calls <see cref="MarkDirty"/> so a write-behind store knows what to persist.
/// </summary>
public interface IUserStateStore
{
    int Count { get; }

    UserState GetOrAdd(int user);

    UserState? Find(int user);

    void MarkDirty(int user);
}
