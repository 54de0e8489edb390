namespace StreamRec.Pipeline.State;

/// <summary>Stores in memory only: nothing survives the process, and a commit has nothing to write.</summary>
public sealed class InMemoryStateDirectory : IStateDirectory
{
    private readonly List<InMemoryKeyValueStore> _stores = [];

    public bool IsDurable => false;

    public IKeyValueStore OpenKeyValueStore(string name)
    {
        var store = new InMemoryKeyValueStore(name);
        _stores.Add(store);
        return store;
    }

    public void Commit()
    {
    }

    public void Dispose()
    {
        foreach (var store in _stores)
        {
            store.Dispose();
        }

        _stores.Clear();
    }
}
