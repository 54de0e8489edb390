namespace StreamRec.Pipeline.State;

/// <summary>
/// Stores in memory only: nothing survives the process, and a commit has nothing to write. Opening a name
/// again returns the same store, so a second state can be restored from what a first one checkpointed.
/// </summary>
public sealed class InMemoryStateDirectory : IStateDirectory
{
    private readonly Dictionary<string, InMemoryKeyValueStore> _stores = new(StringComparer.Ordinal);

    public IKeyValueStore OpenKeyValueStore(string name)
    {
        if (!_stores.TryGetValue(name, out var store))
        {
            _stores[name] = store = new InMemoryKeyValueStore(name);
        }

        return store;
    }

    public void Commit()
    {
    }

    /// <summary>Nothing to rewrite: no files.</summary>
    public void Compact()
    {
    }

    public void Dispose()
    {
        foreach (var store in _stores.Values)
        {
            store.Dispose();
        }

        _stores.Clear();
    }
}
