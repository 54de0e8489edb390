using System.Text;
using Akka.Actor;
using Akka.Streams;
using Akka.Streams.Dsl;
using Confluent.Kafka;
using Microsoft.Extensions.Logging.Abstractions;
using StreamRec.Kafka.IntegrationTests.Clusters;
using StreamRec.Kafka.IntegrationTests.Support;
using StreamRec.Kafka.Options;
using StreamRec.Pipeline.Input;

namespace StreamRec.Kafka.IntegrationTests;

/// <summary>
/// A stored position older than the broker's log start: retention deleted records the state never saw. Only the
/// embedded broker drops old records on its own (it keeps ~5 MB per partition), so this runs against it alone.
/// </summary>
public sealed class RetentionSkipTests(EmbeddedKafkaCluster cluster) : IClassFixture<EmbeddedKafkaCluster>
{
    [Fact]
    public async Task Source_StoredPositionBeforeLogStart_CountsTheDeletedRecordsAndReadsFromTheLogStart()
    {
        using var timeout = new CancellationTokenSource(KafkaTestDefaults.Timeout);
        var topics = KafkaTestDefaults.UniqueTopics("retention");
        await cluster.CreateTopicsAsync(topics.All, 1);
        var value = Encoding.UTF8.GetBytes($"{{\"pad\":\"{new string('x', 16_000)}\"}}");
        using (var producer = new ProducerBuilder<byte[]?, byte[]?>(new ProducerConfig { BootstrapServers = cluster.BootstrapServers }).Build())
        {
            // 800 x 16 kB is well past the ~5 MB the embedded broker keeps.
            for (var i = 0; i < 800; i++)
            {
                producer.Produce(topics.Clicks, new Message<byte[]?, byte[]?> { Value = value, Timestamp = new Timestamp(1767636000000 + i, TimestampType.CreateTime) });
            }

            producer.Flush(timeout.Token);
        }

        long logStart;
        using (var admin = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig { BootstrapServers = cluster.BootstrapServers, GroupId = "probe" }).Build())
        {
            logStart = admin.QueryWatermarkOffsets(new TopicPartition(topics.Clicks, 0), TimeSpan.FromSeconds(10)).Low.Value;
        }

        Assert.True(logStart > 0, $"the broker kept every record (log start {logStart}); the test needs retention to have deleted some");
        var (offsets, skipped) = await ReadClicksAsync(topics, "retention", storedPosition: 3, timeout.Token);
        Assert.Equal(logStart, offsets[0]);
        Assert.Equal(800 - logStart, offsets.Count);
        Assert.Equal(logStart - 3, skipped);
    }

    [Fact]
    public async Task Source_StoredPositionInsideTheLog_CountsNothing()
    {
        using var timeout = new CancellationTokenSource(KafkaTestDefaults.Timeout);
        var topics = KafkaTestDefaults.UniqueTopics("retention-none");
        await cluster.CreateTopicsAsync(topics.All, 1);
        using (var producer = new ProducerBuilder<byte[]?, byte[]?>(new ProducerConfig { BootstrapServers = cluster.BootstrapServers }).Build())
        {
            for (var i = 0; i < 50; i++)
            {
                producer.Produce(topics.Clicks, new Message<byte[]?, byte[]?> { Value = "{}"u8.ToArray(), Timestamp = new Timestamp(1767636000000 + i, TimestampType.CreateTime) });
            }

            producer.Flush(timeout.Token);
        }

        var (offsets, skipped) = await ReadClicksAsync(topics, "retention-none", storedPosition: 20, timeout.Token);
        Assert.Equal(Enumerable.Range(20, 30).Select(i => (long)i), offsets);
        Assert.Equal(0, skipped);
    }

    /// <summary>Reads the clicks topic from a stored position until caught up: the offsets read and the records counted as lost.</summary>
    private async Task<(List<long> Offsets, long Skipped)> ReadClicksAsync(KafkaTopics topics, string instance, long storedPosition, CancellationToken cancellationToken)
    {
        var kafka = KafkaTestDefaults.Options(cluster.BootstrapServers, topics, instance) with { StopWhenCaughtUp = true };
        using var system = ActorSystem.Create($"{instance}-test");
        var (control, done) = KafkaConnector.Source(
                kafka, new Pipeline.Options.PipelineOptions { BatchSize = 100 }, TimeProvider.System, NullLogger.Instance, [new RecordOrigin(topics.Clicks, 0, storedPosition)])
            .ToMaterialized(Sink.Seq<RawRecordBatch>(), Keep.Both)
            .Run(system.Materializer());
        IReadOnlyList<RawRecordBatch> batches;
        try
        {
            batches = await done.WaitAsync(cancellationToken);
        }
        finally
        {
            await control.ShutdownAsync(cancellationToken);
        }

        var offsets = batches.SelectMany(b => Enumerable.Range(0, b.Count).Select(i => b.Origin(i))).Where(o => o.Source == topics.Clicks).Select(o => o.Position).ToList();
        return (offsets, control.SkippedByRetention);
    }
}
