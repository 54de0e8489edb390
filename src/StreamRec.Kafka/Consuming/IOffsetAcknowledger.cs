namespace StreamRec.Kafka.Consuming;

/// <summary>Receives processed checkpoints and commits them, batched per partition.</summary>
internal interface IOffsetAcknowledger
{
    void Acknowledge(KafkaCheckpoint checkpoint);
}
