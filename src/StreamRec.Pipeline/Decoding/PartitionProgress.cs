namespace StreamRec.Pipeline.Decoding;

/// <summary>
/// Event-time progress of one source partition (a file, or one Kafka topic partition), and the records it
/// holds because they were too far ahead of it.
/// </summary>
internal sealed class PartitionProgress(string source, int partition)
{
    public string Source { get; } = source;

    public int Partition { get; } = partition;

    /// <summary>The source's id in <see cref="Ids.IdTables.Sources"/> for a Kafka partition, else -1.</summary>
    public int SourceId { get; init; } = -1;

    /// <summary>Newest event time applied from this partition, or <see cref="long.MinValue"/>.</summary>
    public long EventTime { get; set; } = long.MinValue;

    /// <summary>Consecutive records too far ahead, oldest first: outliers, or the start of a gap in the log.</summary>
    public List<(EventRecord Record, RejectedRecord IfRejected)> Held { get; } = [];
}
