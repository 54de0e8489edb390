namespace StreamRec.Kafka.Consuming;

/// <summary>One consumed message waiting in its partition's buffer; <see cref="Timestamp"/> is its event time in ms.</summary>
internal readonly record struct BufferedRecord(byte[]? Value, long Timestamp, long Offset);
