using System.Text;
using Confluent.Kafka;
using Microsoft.Extensions.Logging.Abstractions;
using StreamRec.Kafka.Consuming;
using StreamRec.Kafka.Hosting;
using StreamRec.Kafka.IntegrationTests.Clusters;
using StreamRec.Kafka.IntegrationTests.Support;
using StreamRec.Kafka.Options;
using StreamRec.Pipeline.Durability;
using StreamRec.Pipeline.Options;
using StreamRec.Pipeline.Scoring;
using StreamRec.State;

namespace StreamRec.Kafka.IntegrationTests;

/// <summary>
/// Incremental restore on the embedded broker: an instance whose store holds its partitions up to a changelog offset
/// gets them back after another instance wrote to their changelog, and reads only what that instance wrote. And a
/// restore is stored even when no record follows it.
/// </summary>
public sealed class IncrementalRestoreTests(EmbeddedKafkaCluster cluster) : IClassFixture<EmbeddedKafkaCluster>
{
    private const int Partitions = 4;
    private static readonly PipelineOptions Pipeline = new();

    [Fact]
    public async Task Run_PartitionsBackAfterAnotherInstanceWroteTheirChangelog_ReadsOnlyTheTailAndEndsWithTheChangelogsState()
    {
        // Four runs one after the other in one group; each may wait for the previous member's session to end.
        using var timeout = new CancellationTokenSource(4 * KafkaTestDefaults.Timeout);
        using var log = SimulatedLog.Small();
        var topics = KafkaTestDefaults.UniqueTopics("incremental");
        await cluster.CreateTopicsAsync([.. topics.All], Partitions);
        var group = $"group-{Guid.NewGuid():N}";
        var session = KafkaTestDefaults.FastRejoin;
        var kafkaA = KafkaTestDefaults.Options(cluster.BootstrapServers, topics, "a", group) with { Consumer = session };
        var kafkaB = KafkaTestDefaults.Options(cluster.BootstrapServers, topics, "b", group) with { Consumer = session };
        var third = log.Events.Count / 3;
        var directoryA = Directory.CreateTempSubdirectory("streamrec-incremental-a-").FullName;
        var directoryB = Directory.CreateTempSubdirectory("streamrec-incremental-b-").FullName;
        var changelogPartitions = Enumerable.Range(0, Partitions).Select(p => new TopicPartition(topics.Changelog, p)).ToList();
        try
        {
            // A owns every partition for the first third, and stops: its store accounts for the changelog up to here.
            await log.ProduceLinesAsync(kafkaA, 0, third, timeout.Token);
            await RunAsync(kafkaA, directoryA, timeout.Token);
            var endsOfA = await KafkaReader.EndOffsetsAsync(cluster.BootstrapServers, changelogPartitions);

            // B takes the partitions over while A is gone, restores them in full, and writes the second third's changes.
            await log.ProduceLinesAsync(kafkaA, third, 2 * third, timeout.Token);
            var controlB = await RunAsync(kafkaB, directoryB, timeout.Token);
            var endsOfB = await KafkaReader.EndOffsetsAsync(cluster.BootstrapServers, changelogPartitions);
            var written = await KafkaReader.ReadAllAsync(cluster.BootstrapServers, topics.Changelog, timeout.Token);
            long UsersBetween(Func<TopicPartition, long> from, Func<TopicPartition, long> to) => written.Count(r =>
                !SeqFenceMarker.IsMarker(r.Message.Key) && r.Offset.Value >= from(r.TopicPartition) && r.Offset.Value < to(r.TopicPartition));

            // Seq fence markers are not users: a restore reads them but does not count them.
            Assert.Equal(UsersBetween(_ => 0, p => endsOfA[p]), controlB.RestoredRecords);
            Assert.Equal(0, controlB.IncrementalRestores);
            Assert.All(changelogPartitions, p => Assert.True(endsOfB[p] > endsOfA[p], $"B wrote nothing to {p}"));

            // A comes back: it reads only what B wrote after A's offsets, on top of its store.
            var controlA = await RunAsync(kafkaA, directoryA, timeout.Token);
            Assert.Equal(Partitions, controlA.IncrementalRestores);
            Assert.Equal(UsersBetween(p => endsOfA[p], p => endsOfB[p]), controlA.RestoredRecords);

            // A's store now holds exactly the users a full restore of the changelog gives, and so does B's, which did one.
            var changelog = DurableRun.LatestUsers(await KafkaReader.ReadAllAsync(cluster.BootstrapServers, topics.Changelog, timeout.Token));
            var storedA = StoredUsers(directoryA);
            Assert.Equal(changelog.Where(u => u.Value is not null).Select(u => u.Key).Order(StringComparer.Ordinal), storedA.Keys.Order(StringComparer.Ordinal));
            Assert.All(storedA, u => Assert.True(Portable.Same(changelog[u.Key]!, u.Value, ignoreDue: true), $"{u.Key} on A differs from the changelog: {Portable.Describe(u.Value)} vs {Portable.Describe(changelog[u.Key]!)}"));
        }
        finally
        {
            Directory.Delete(directoryA, recursive: true);
            Directory.Delete(directoryB, recursive: true);
        }
    }

    [Fact]
    public async Task Run_RestoresFromTheChangelogAndStopsBeforeAnyRecord_StoresTheRestoredUsers()
    {
        using var timeout = new CancellationTokenSource(3 * KafkaTestDefaults.Timeout);
        using var log = SimulatedLog.Small();
        var topics = KafkaTestDefaults.UniqueTopics("restore-stop");
        await cluster.CreateTopicsAsync([.. topics.All], Partitions);
        var group = $"group-{Guid.NewGuid():N}";
        var session = KafkaTestDefaults.FastRejoin;
        var kafkaA = KafkaTestDefaults.Options(cluster.BootstrapServers, topics, "a", group) with { Consumer = session };
        var kafkaB = KafkaTestDefaults.Options(cluster.BootstrapServers, topics, "b", group) with { Consumer = session };
        var directoryA = Directory.CreateTempSubdirectory("streamrec-restore-stop-a-").FullName;
        var directoryB = Directory.CreateTempSubdirectory("streamrec-restore-stop-b-").FullName;
        try
        {
            // No rooms topic records: once A has read the user topics, a new instance has nothing at all to read.
            await log.ProduceUserEventsAsync(kafkaA, timeout.Token);
            await RunAsync(kafkaA, directoryA, timeout.Token);
            var written = await KafkaReader.ReadAllAsync(cluster.BootstrapServers, topics.Changelog, timeout.Token);
            var changelog = DurableRun.LatestUsers(written);
            Assert.NotEmpty(changelog);

            // B restores every partition from the changelog, finds its input read to the end, and stops.
            var (summaryB, controlB) = await DurableRun.RunAsync(kafkaB, Pipeline, directoryB, timeout.Token);
            Assert.Equal(written.Count(r => !SeqFenceMarker.IsMarker(r.Message.Key)), controlB.RestoredRecords);
            Assert.Equal(0, summaryB.RecordsIn);

            var storedB = StoredUsers(directoryB);
            Assert.Equal(changelog.Where(u => u.Value is not null).Select(u => u.Key).Order(StringComparer.Ordinal), storedB.Keys.Order(StringComparer.Ordinal));
        }
        finally
        {
            Directory.Delete(directoryA, recursive: true);
            Directory.Delete(directoryB, recursive: true);
        }
    }

    private static async Task<KafkaSourceControl> RunAsync(KafkaOptions kafka, string directory, CancellationToken cancellationToken) =>
        (await DurableRun.RunAsync(kafka, Pipeline, directory, cancellationToken)).Control;

    private static Dictionary<string, byte[]> StoredUsers(string directory) => DurableRun.StoredUsers(directory, Pipeline, Partitions);
}
