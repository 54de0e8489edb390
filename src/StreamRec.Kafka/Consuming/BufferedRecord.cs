namespace StreamRec.Kafka.Consuming;

/// <summary>
/// One consumed message waiting in its partition's buffer; <see cref="Timestamp"/> is its event time in ms.
/// A null <see cref="Value"/> is a tombstone; <see cref="Key"/> is kept so a dead letter can carry it again.
/// </summary>
internal readonly record struct BufferedRecord(byte[]? Value, long Timestamp, long Offset, byte[]? Key = null);
