using StreamRec.Pipeline.Input;

namespace StreamRec.Kafka.Consuming;

/// <summary>
/// What the merge produced: a batch to emit (records, or only a watermark), or nothing yet, with when to
/// look again. <see cref="CaughtUp"/> says every input has been read to its end and drained.
/// </summary>
internal readonly record struct MergeOutcome(RawRecordBatch? Batch, TimeSpan? RetryAfter, bool CaughtUp);
