namespace StreamRec.Pipeline.Ids;

/// <summary>The id tables of one pipeline instance, one per kind of key.</summary>
public sealed class IdTables
{
    public IdTable Users { get; } = new();

    public IdTable Rooms { get; } = new();

    public IdTable Streamers { get; } = new();

    public IdTable Categories { get; } = new();

    /// <summary>Input topics of Kafka records, named by the exchange's marks; not checkpointed (the marks are kept by name).</summary>
    public IdTable Sources { get; } = new();
}
