namespace StreamRec.Pipeline.State;

/// <summary>
/// A named piece of state owned by one partition, in the spirit of Kafka Streams' <c>StateStore</c>: the
/// pipeline changes it through a batch and then calls <see cref="Commit"/>, its unit of work. A durable
/// implementation writes the batch's changes atomically there; until then they may be lost together.
/// </summary>
public interface IStateStore : IDisposable
{
    /// <summary>Name of the store, unique within a partition (for example <c>users</c>).</summary>
    string Name { get; }

    /// <summary>Ends the current unit of work: everything put or deleted since the last commit becomes durable at once.</summary>
    void Commit();
}
