namespace StreamRec.Pipeline.State;

/// <summary>
/// Per-user state keyed by interned user id. Implementations may be partitioned by user key (one store per
/// Kafka partition). The steps mutate the returned object in place; how a durable store learns what to
/// persist is for the state-store work to define, across all stores at once.
/// </summary>
public interface IUserStateStore
{
    int Count { get; }

    UserState GetOrAdd(int user);

    UserState? Find(int user);
}
