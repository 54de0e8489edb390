namespace StreamRec.Kafka.Producing;

/// <summary>
/// An input batch whose deltas and dead letters the broker has acknowledged, in input order; its
/// <see cref="Checkpoint"/> is now safe to commit.
/// </summary>
public sealed record ProducedBatch(StreamRec.Pipeline.Batches.SourceCheckpoint? Checkpoint, int Deltas, int DeadLetters);
