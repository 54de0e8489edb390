using StreamRec.Contracts.Events;
using StreamRec.Kafka.IntegrationTests.Clusters;
using StreamRec.Kafka.IntegrationTests.Support;
using StreamRec.Pipeline.Options;

namespace StreamRec.Kafka.IntegrationTests;

/// <summary>
/// Where a partition restored from the changelog resumes its input: where the restored state stood, as the changelog's
/// last checkpoint marker names it, even when the group's committed offsets lag (an instance that died between its
/// changelog append and its commit leaves them behind).
/// </summary>
public sealed class RestoreResumeTests(EmbeddedKafkaCluster cluster) : IClassFixture<EmbeddedKafkaCluster>
{
    private const int Partitions = 4;
    private static readonly PipelineOptions Pipeline = new();

    [Fact]
    public async Task Run_CommittedOffsetsBehindTheChangelog_RestoredPartitionsResumeWhereTheChangelogsCheckpointStood()
    {
        using var timeout = new CancellationTokenSource(3 * KafkaTestDefaults.Timeout);
        using var log = SimulatedLog.Small();
        var topics = KafkaTestDefaults.UniqueTopics("restore-resume");
        await cluster.CreateTopicsAsync([.. topics.All], Partitions);
        var session = KafkaTestDefaults.FastRejoin;
        var kafkaA = KafkaTestDefaults.Options(cluster.BootstrapServers, topics, "a", $"group-{Guid.NewGuid():N}") with { Consumer = session };

        // Another group over the same topics and changelog: it has no committed offsets at all, the most they can lag.
        var kafkaB = KafkaTestDefaults.Options(cluster.BootstrapServers, topics, "b", $"group-{Guid.NewGuid():N}") with { Consumer = session };
        var directoryA = Directory.CreateTempSubdirectory("streamrec-restore-resume-a-").FullName;
        var directoryB = Directory.CreateTempSubdirectory("streamrec-restore-resume-b-").FullName;
        try
        {
            await log.ProduceAsync(kafkaA, timeout.Token);
            var (summaryA, _) = await DurableRun.RunAsync(kafkaA, Pipeline, directoryA, timeout.Token);
            Assert.Equal(log.Events.Count, summaryA.RecordsIn);

            // B restores every partition, and reads none of their records again: only the rooms topic, which every instance reads whole.
            var (summaryB, controlB) = await DurableRun.RunAsync(kafkaB, Pipeline, directoryB, timeout.Token);
            Assert.True(controlB.RestoredRecords > 0);
            Assert.Equal(log.Events.Count(e => e is RoomEvent), summaryB.RecordsIn);
        }
        finally
        {
            Directory.Delete(directoryA, recursive: true);
            Directory.Delete(directoryB, recursive: true);
        }
    }
}
