namespace StreamRec.Pipeline.State;

/// <summary>
/// Where an instance's state stores live, in the spirit of Kafka Streams' state directory: it opens named
/// stores and commits all of them at once, so the users' states, the instance's checkpoint and the source
/// positions they account for become durable together or not at all.
/// </summary>
public interface IStateDirectory : IDisposable
{
    /// <summary>Opens the key-value store <paramref name="name"/>, created empty when absent.</summary>
    IKeyValueStore OpenKeyValueStore(string name);

    /// <summary>Writes every open store's changes since the last commit in one atomic unit.</summary>
    void Commit();

    /// <summary>
    /// Rewrites the stores' files so that what was deleted and committed is gone from them, not only
    /// unreachable: erasure, after a user was forgotten. Costly; called only then.
    /// </summary>
    void Compact();
}
