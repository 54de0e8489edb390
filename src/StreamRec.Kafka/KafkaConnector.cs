using Akka;
using Akka.Streams.Dsl;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using StreamRec.Kafka.Consuming;
using StreamRec.Kafka.Hosting;
using StreamRec.Kafka.Options;
using StreamRec.Kafka.Outage;
using StreamRec.Kafka.Producing;
using StreamRec.Pipeline.Batches;
using StreamRec.Pipeline.Input;
using StreamRec.Pipeline.Options;

namespace StreamRec.Kafka;

/// <summary>
/// The Kafka edges of the pipeline as Akka.Streams building blocks:
/// <c>Source(...)</c> → <c>RecommendationPipeline</c> → <c>Produce(...)</c> → <c>CommitSink()</c>.
/// </summary>
public static class KafkaConnector
{
    /// <summary>
    /// Input records of the user topics (this instance's share of the consumer group) and of the whole
    /// rooms topic, merged in event-time order, each batch carrying a <see cref="KafkaCheckpoint"/>.
    /// The materialized <see cref="KafkaSourceControl"/> must be shut down after the stream completes. The source
    /// fails with a <see cref="BrokerOutageException"/> once the brokers stayed unreachable longer than
    /// <see cref="KafkaOptions.BrokerOutageTolerance"/>.
    /// </summary>
    /// <param name="options">Kafka settings.</param>
    /// <param name="pipeline">Pipeline settings (batch size, event-time limits).</param>
    /// <param name="time">Wall clock.</param>
    /// <param name="logger">Where the consumers log.</param>
    /// <param name="resumeAt">
    /// Positions stored with durable state: each listed partition is read from there (the group's committed
    /// offsets, or the rooms topic's beginning, only where none is stored), as Kafka Streams reads its offsets
    /// column family first. Null when the run has no durable state: then no batch is sent for its positions alone.
    /// </param>
    /// <param name="changelog">
    /// The changelog durable state is backed by, or null: partitions that move to this instance are then restored from
    /// it before their input (each batch carrying a <see cref="RawRecordBatch.Handover"/> comes first), and dropped when they leave.
    /// </param>
    /// <param name="exchange">
    /// Also read the room-aggregate exchange topic, whose records come with the batches (see <see cref="RawRecordBatch.Exchanged"/>),
    /// and how many received contributions the core holds (the reader waits while that is at its bound); null: the exchange is off.
    /// </param>
    public static Source<RawRecordBatch, KafkaSourceControl> Source(
        KafkaOptions options, PipelineOptions pipeline, TimeProvider time, ILogger logger, IReadOnlyList<RecordOrigin>? resumeAt = null, KafkaStateChangelog? changelog = null,
        Func<int>? exchange = null)
    {
        var startOffsets = (resumeAt ?? []).Where(static p => !p.IsFile).ToDictionary(static p => new TopicPartition(p.Source, p.Partition), static p => p.Position);
        options.Validate();
        ArgumentNullException.ThrowIfNull(pipeline);
        pipeline.Validate();
        return Akka.Streams.Dsl.Source.FromGraph(new KafkaSourceStage(
            () =>
            {
                var outage = new BrokerOutageMonitor(options.BrokerOutageTolerance, options.BootstrapServers, time);
                return new KafkaSourceControl(
                    new ConsumerOwner(
                        "users", KafkaClientConfigs.GroupConsumer(options), options.Topics.UserTopics, global: false, orderBase: 1_000_000, options, time, logger, outage, startOffsets,
                        changelog is null ? null : new ChangelogAssignments(options, changelog, logger)),
                    new ConsumerOwner("rooms", KafkaClientConfigs.RoomsConsumer(options), [options.Topics.Rooms], global: true, orderBase: 0, options, time, logger, outage, startOffsets),
                    outage,
                    exchange is null ? null : new ExchangeReader(options, logger, exchange));
            },
            () => new EventTimeMerger(
                time,
                new MergeTiming(
                    options.MergeWait, options.PartitionIdleTimeout, options.MaxWatermarkDrift, pipeline.MaxEventTimeLead, pipeline.EventTimeJumpRecords, options.IdleWatermarkAfter,
                    resumeAt is null ? null : pipeline.CheckpointInterval),
                pipeline.MaxEventBytes,
                startOffsets),
            pipeline.BatchSize,
            options.StopWhenCaughtUp));
    }

    /// <summary>
    /// Writes deltas and dead letters through <paramref name="producer"/> (owned by the caller, one per
    /// process) and emits each batch once all of it, and everything before it, is acknowledged. A dead letter
    /// whose copy would exceed <paramref name="maxDeadLetterBytes"/> is cut to fit (see <see cref="DeadLetterHeaders.ToMessage"/>).
    /// With <paramref name="floors"/>, each acknowledged delta's offset raises its partition's seq fence floor. With
    /// <paramref name="exchange"/> (durable state), it is told of each exchange record the broker answered for.
    /// </summary>
    public static Flow<EventBatch, ProducedBatch, NotUsed> Produce(
        IProducer<byte[]?, byte[]?> producer, KafkaTopics topics, int maxInFlightMessages, int maxDeadLetterBytes = DeadLetterHeaders.DefaultMaxMessageBytes, DeltaFloors? floors = null,
        Pipeline.Durability.PartitionOwnership? exchange = null)
    {
        ArgumentNullException.ThrowIfNull(producer);
        ArgumentNullException.ThrowIfNull(topics);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxInFlightMessages, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxDeadLetterBytes, 4096);
        return Flow.FromGraph(new KafkaProduceStage(producer, topics, maxInFlightMessages, maxDeadLetterBytes, floors, exchange));
    }

    /// <summary>Acknowledges each produced batch's checkpoint, so the source commits it with its next commit.</summary>
    public static Sink<ProducedBatch, Task<Done>> CommitSink() =>
        Sink.ForEach<ProducedBatch>(static batch => batch.Checkpoint?.Acknowledge());
}
