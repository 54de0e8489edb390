using Confluent.Kafka;
using StreamRec.Pipeline.Batches;
using StreamRec.Pipeline.Input;

namespace StreamRec.Kafka.Consuming;

/// <summary>
/// The committable progress of one input batch: per group-managed partition, the offset after the last
/// record the batch holds. Travels through the pipeline as <c>EventBatch.Checkpoint</c>; a sink calls
/// <see cref="Acknowledge"/> once everything the batch caused is safely written, and the consumer commits
/// it with its next periodic commit.
/// </summary>
public sealed class KafkaCheckpoint : SourceCheckpoint
{
    private readonly IOffsetAcknowledger _owner;

    internal KafkaCheckpoint(IOffsetAcknowledger owner, IReadOnlyDictionary<TopicPartition, long> nextOffsets, IReadOnlyList<RecordOrigin>? positions = null)
    {
        _owner = owner;
        NextOffsets = nextOffsets;
        Positions = positions ?? [];
    }

    /// <summary>Every partition read so far, rooms included, with the offset to resume at: stored with durable state.</summary>
    public override IReadOnlyList<RecordOrigin> Positions { get; }

    /// <summary>Offset to commit per partition (last processed offset + 1).</summary>
    public IReadOnlyDictionary<TopicPartition, long> NextOffsets { get; }

    /// <summary>Marks the batch as fully processed. Call in input order; thread-safe.</summary>
    public override void Acknowledge() => _owner.Acknowledge(this);
}
