namespace StreamRec.Pipeline.State;

/// <summary>Users in a dense array indexed by interned id.</summary>
public sealed class InMemoryUserStateStore(int dimensions) : IUserStateStore
{
    private readonly List<UserState?> _users = [];

    public int Count { get; private set; }

    public UserState GetOrAdd(int user)
    {
        while (_users.Count <= user)
        {
            _users.Add(null);
        }

        if (_users[user] is { } existing)
        {
            return existing;
        }

        Count++;
        return _users[user] = new UserState(dimensions);
    }

    public UserState? Find(int user) => user < _users.Count ? _users[user] : null;
}
