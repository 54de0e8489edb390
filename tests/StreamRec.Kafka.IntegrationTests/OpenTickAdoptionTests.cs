using Microsoft.Extensions.Logging.Abstractions;
using StreamRec.Kafka.Hosting;
using StreamRec.Kafka.IntegrationTests.Clusters;
using StreamRec.Kafka.IntegrationTests.Support;
using StreamRec.Pipeline.Options;
using StreamRec.Pipeline.Scoring;
using StreamRec.State;

namespace StreamRec.Kafka.IntegrationTests;

/// <summary>
/// A partition's next owner restores the users from the changelog, but the changelog does not hold the open tick's
/// room-aggregate contributions: the checkpoint publishes them on the exchange as a provisional record, and the new
/// owner adopts it, so the events of a tick its predecessor never closed still count.
/// </summary>
public sealed class OpenTickAdoptionTests(EmbeddedKafkaCluster cluster) : IClassFixture<EmbeddedKafkaCluster>
{
    private const int Partitions = 2;
    private static readonly PipelineOptions Pipeline = new() { Partitions = Partitions };

    [Fact]
    public async Task Run_OwnerStoppedInsideATick_NextOwnerRestoringItsPartitionsAdoptsTheOpenTick()
    {
        using var timeout = new CancellationTokenSource(3 * KafkaTestDefaults.Timeout);
        using var log = SimulatedLog.Small();
        var topics = KafkaTestDefaults.UniqueTopics("adoption");
        await cluster.CreateTopicsAsync([.. topics.All], Partitions);
        var kafkaA = KafkaTestDefaults.Options(cluster.BootstrapServers, topics, "a", $"group-{Guid.NewGuid():N}");

        // Another group over the same topics, changelog and exchange: it restores every partition A left.
        var kafkaB = KafkaTestDefaults.Options(cluster.BootstrapServers, topics, "b", $"group-{Guid.NewGuid():N}");
        var directoryA = Directory.CreateTempSubdirectory("streamrec-adoption-a-").FullName;
        var directoryB = Directory.CreateTempSubdirectory("streamrec-adoption-b-").FullName;
        try
        {
            await log.ProduceAsync(kafkaA, timeout.Token);
            var (_, openA) = await RunAsync(kafkaA, directoryA, timeout.Token);
            var (adoptedB, _) = await RunAsync(kafkaB, directoryB, timeout.Token);

            // A's stop leaves the last tick open (a stop checkpoints instead of closing it) for each partition with users.
            Assert.True(openA > 0, "A's stop left no tick open");
            Assert.Equal(openA, adoptedB);
        }
        finally
        {
            Directory.Delete(directoryA, recursive: true);
            Directory.Delete(directoryB, recursive: true);
        }
    }

    /// <summary>A durable run to the end of the input: the provisional parts it adopted, and the partitions it left with a tick open.</summary>
    private static async Task<(long Adopted, int Open)> RunAsync(Options.KafkaOptions kafka, string directory, CancellationToken cancellationToken)
    {
        using var state = RocksDbPartition.Open(new RocksDbStoreOptions { Directory = directory }, 0);
        var job = new KafkaPipelineJob(kafka, Pipeline, new BaselineScorer(), TimeProvider.System, NullLogger.Instance, stateDirectory: state);
        await job.RunAsync(cancellationToken);
        var processed = job.Observability.State!;
        return (processed.Exchange.Adopted, processed.Partitions.Count(p => !p.Contributions.IsEmpty));
    }
}
