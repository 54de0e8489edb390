using System.Diagnostics;
using System.Text;
using Confluent.Kafka;
using Microsoft.Extensions.Logging.Abstractions;
using StreamRec.Kafka.Hosting;
using StreamRec.Kafka.IntegrationTests.Clusters;
using StreamRec.Kafka.IntegrationTests.Support;
using StreamRec.Pipeline.Options;
using StreamRec.Pipeline.Partitioning;
using StreamRec.Pipeline.Scoring;
using StreamRec.State;
using Xunit.Abstractions;

namespace StreamRec.Kafka.IntegrationTests;

/// <summary>
/// Restore from the changelog at the size the embedded broker can hold: ~4 MB of records per partition (its window
/// is the newest ~5 MB). The time is printed, not asserted; the test checks that every record was restored.
/// </summary>
public sealed class ChangelogRestoreMeasurementTests(EmbeddedKafkaCluster cluster, ITestOutputHelper output) : IClassFixture<EmbeddedKafkaCluster>
{
    private const int Partitions = 4;
    private const long BytesPerPartition = 4_000_000;

    [Fact]
    public async Task Run_ChangelogFilledToTheEmbeddedBrokersWindow_RestoresEveryRecord()
    {
        using var timeout = new CancellationTokenSource(4 * KafkaTestDefaults.Timeout);
        var pipeline = new PipelineOptions();
        var topics = KafkaTestDefaults.UniqueTopics("restore-size");
        await cluster.CreateTopicsAsync(topics.All, Partitions);
        var kafka = KafkaTestDefaults.Options(cluster.BootstrapServers, topics, "measure");

        // Full users: a 32-dimension vector, the most affinities and ranked rooms the defaults keep.
        var generator = new SyntheticUsers(pipeline, seed: 11);
        var bytes = new long[Partitions];
        var users = 0;
        using (var producer = new ProducerBuilder<byte[]?, byte[]?>(new ProducerConfig { BootstrapServers = cluster.BootstrapServers, EnableIdempotence = true, LingerMs = 20 }).Build())
        {
            while (bytes.Min() < BytesPerPartition)
            {
                var name = $"user-{users++:D7}";
                var partition = UserPartitioner.PartitionOf(name, Partitions);
                var record = generator.Next(pipeline.MaxAffinities);
                bytes[partition] += record.Length + name.Length;
                producer.Produce(new TopicPartition(topics.Changelog, partition), new Message<byte[]?, byte[]?> { Key = Encoding.UTF8.GetBytes(name), Value = record });
            }

            producer.Flush(timeout.Token);
        }

        var directory = Directory.CreateTempSubdirectory("streamrec-restore-size-").FullName;
        try
        {
            using var state = RocksDbPartition.Open(new RocksDbStoreOptions { Directory = directory }, 0);
            var job = new KafkaPipelineJob(kafka, pipeline, new BaselineScorer(), TimeProvider.System, NullLogger.Instance, stateDirectory: state);
            var started = Stopwatch.GetTimestamp();
            await job.RunAsync(timeout.Token);
            var run = Stopwatch.GetElapsedTime(started);
            var control = await job.Control;

            Assert.Equal(users, control.RestoredRecords);
            output.WriteLine(
                $"{users} users ({bytes.Sum() / users} B per record with its key, {bytes.Max() / 1e6:F1} MB in the largest partition): " +
                $"changelog read in {control.RestoreTime.TotalSeconds:F2} s; the whole run (group join, restore into RocksDB, stop) {run.TotalSeconds:F1} s");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
