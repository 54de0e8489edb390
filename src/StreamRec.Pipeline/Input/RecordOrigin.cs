namespace StreamRec.Pipeline.Input;

/// <summary>
/// Where an input record came from: a file and line (<see cref="Partition"/> is -1), or a Kafka topic,
/// partition and offset. Carried to dead letters so every rejected record can be found again.
/// </summary>
public readonly record struct RecordOrigin(string Source, int Partition, long Position)
{
    /// <summary>
    /// For a position in an uncompressed file: the byte offset just past line <see cref="Position"/>, so a resumed
    /// replay seeks there instead of counting lines; -1 when not known (a compressed file, a Kafka offset).
    /// </summary>
    public long ByteOffset { get; init; } = -1;

    /// <summary>A line of a file, 1-based.</summary>
    public static RecordOrigin FileLine(string path, long line) => new(path, -1, line);

    /// <summary>The position after line <paramref name="line"/> of an uncompressed file, which ends at <paramref name="byteOffset"/>.</summary>
    public static RecordOrigin FileLine(string path, long line, long byteOffset) => new(path, -1, line) { ByteOffset = byteOffset };

    /// <summary>A message of a Kafka topic partition.</summary>
    public static RecordOrigin KafkaMessage(string topic, int partition, long offset) => new(topic, partition, offset);

    public bool IsFile => Partition < 0;

    public override string ToString() => IsFile ? $"{Source}:{Position}" : $"{Source}[{Partition}]@{Position}";
}
