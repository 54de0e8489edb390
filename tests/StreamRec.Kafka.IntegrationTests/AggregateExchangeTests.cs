using Microsoft.Extensions.Logging.Abstractions;
using StreamRec.Kafka.Hosting;
using StreamRec.Kafka.IntegrationTests.Clusters;
using StreamRec.Kafka.IntegrationTests.Support;
using StreamRec.Pipeline.Options;
using StreamRec.Pipeline.Replay;
using StreamRec.Pipeline.Scoring;
using StreamRec.Pipeline.State;

namespace StreamRec.Kafka.IntegrationTests;

/// <summary>
/// Two instances in one group, each processing half of the user partitions, exchange their room-aggregate
/// contributions through the exchange topic: both end with the aggregates of one replay of the whole log.
/// </summary>
public sealed class AggregateExchangeTests(EmbeddedKafkaCluster cluster) : IClassFixture<EmbeddedKafkaCluster>
{
    private const int Partitions = 4;
    private static readonly PipelineOptions Pipeline = new() { Partitions = Partitions };

    [Fact]
    public async Task Run_TwoInstancesSplittingThePartitions_BothCountEveryUserInTheRoomAggregates()
    {
        using var timeout = new CancellationTokenSource(KafkaTestDefaults.Timeout);
        using var log = SimulatedLog.Small();
        var topics = KafkaTestDefaults.UniqueTopics("exchange");
        await cluster.CreateTopicsAsync(topics.All, Partitions);
        var group = $"group-{Guid.NewGuid():N}";
        var kafkaA = KafkaTestDefaults.Options(cluster.BootstrapServers, topics with { Deltas = topics.Deltas + "-a" }, "a", group) with
        {
            StopWhenCaughtUp = false,
            MergeWait = TimeSpan.FromSeconds(1),
            PartitionIdleTimeout = TimeSpan.FromSeconds(2),
        };
        var kafkaB = kafkaA with { InstanceId = "b", Topics = topics with { Deltas = topics.Deltas + "-b" } };
        await cluster.CreateTopicsAsync([kafkaA.Topics.Deltas, kafkaB.Topics.Deltas], Partitions);
        await log.ProduceAsync(kafkaA, timeout.Token);

        var jobA = new KafkaPipelineJob(kafkaA, Pipeline, new BaselineScorer(), TimeProvider.System, NullLogger.Instance);
        var jobB = new KafkaPipelineJob(kafkaB, Pipeline, new BaselineScorer(), TimeProvider.System, NullLogger.Instance);
        var rooms = log.Events.Count(e => e is Contracts.Events.RoomEvent);
        var userRecords = log.Events.Count - rooms;

        // Settled: every record processed (each instance reads the whole rooms topic), each instance has counted every
        // partition as far as the instance that processed it did, and merged it (a contribution ahead of an instance's
        // clock waits for it: idle input moves the clock after the partitions' idle timeout), with no tick's contributions
        // still open (a record decoded but not yet merged at a tick close).
        var settled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void Check(PipelineState _)
        {
            if (jobA.Observability.State is { } a && jobB.Observability.State is { } b
                && jobA.Metrics.RecordsIn + jobB.Metrics.RecordsIn == userRecords + (2L * rooms)
                && Enumerable.Range(0, Partitions).All(p => Marks(a, p).Count > 0 && Marks(a, p).SetEquals(Marks(b, p)))
                && a.Exchange.Held == 0 && b.Exchange.Held == 0 && NoneOpen(a) && NoneOpen(b))
            {
                settled.TrySetResult();
            }
        }

        jobA.Observability.BatchProcessed += Check;
        jobB.Observability.BatchProcessed += Check;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token);
        var runs = Task.WhenAll(
            Task.Run(() => jobA.RunAsync(stop.Token).AsTask(), timeout.Token),
            Task.Run(() => jobB.RunAsync(stop.Token).AsTask(), timeout.Token));
        var assignedA = await (await jobA.Control).FirstAssignment;
        var assignedB = await (await jobB.Control).FirstAssignment;
        try
        {
            await settled.Task.WaitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"Not settled: {Describe(jobA)} / {Describe(jobB)}; {userRecords + (2L * rooms)} records in all");
        }
        await stop.CancelAsync();
        await runs;

        Assert.NotEmpty(assignedA);
        Assert.NotEmpty(assignedB);
        var reference = await ReplayedStateAsync(log, timeout.Token);
        var stateA = jobA.Observability.State!;
        var stateB = jobB.Observability.State!;
        Assert.True(stateA.Exchange.Merged > 0 && stateB.Exchange.Merged > 0, "neither instance merged the other's contributions");
        Assert.True(stateA.Exchange.Superseded > 0, "an instance's own contributions coming back were counted again");
        var end = log.Events.Max(e => e.Ts);
        var h = Pipeline.PopularityHalfLife;
        var compared = 0;
        foreach (var room in log.Events.OfType<Contracts.Events.RoomStartEvent>().Select(e => e.RoomId).Distinct())
        {
            var want = Room(reference, room);
            foreach (var state in new[] { stateA, stateB })
            {
                var got = Room(state, room);
                Close(want.Popularity.At(end, h), got.Popularity.At(end, h), room);
                Close(want.Visits.At(end, h), got.Visits.At(end, h), room);
                Close(want.Purchases.At(end, h), got.Purchases.At(end, h), room);
                compared++;
            }
        }

        Assert.True(compared > 20, $"only {compared} rooms compared");
    }

    private static string Describe(KafkaPipelineJob job) => job.Observability.State is not { } state ? "no state" :
        $"{job.Metrics.RecordsIn} records, marks [{string.Join("; ", Enumerable.Range(0, Partitions).Select(p => string.Join(", ", Marks(state, p))))}], held {state.Exchange.Held}, open {!NoneOpen(state)}";

    /// <summary>The partition's exchange marks by topic name (ids differ between instances).</summary>
    private static HashSet<(string Topic, long Offset)> Marks(PipelineState state, int partition) =>
        [.. state.Partitions[partition].Marks.All().Select(m => (state.Ids.Sources.NameOf(m.Source), m.Offset))];

    private static bool NoneOpen(PipelineState state) => state.Partitions.All(p => p.Contributions.IsEmpty && p.CoEngagement.Pairs.Count == 0);

    private static RoomState Room(PipelineState state, string room) =>
        state.Rooms.FindRoom(state.Ids.Rooms.Find(room)) ?? new RoomState(-1);

    private static void Close(double expected, double actual, string room) =>
        Assert.True(Math.Abs(expected - actual) <= 1e-9 * Math.Max(1, Math.Abs(expected)), $"{room}: expected {expected}, got {actual}");

    /// <summary>The state one file replay of the whole log ends with, read back from its final checkpoint.</summary>
    private static async Task<PipelineState> ReplayedStateAsync(SimulatedLog log, CancellationToken cancellationToken)
    {
        var directory = new InMemoryStateDirectory();
        var output = Path.Combine(Path.GetTempPath(), $"exchange-{Guid.NewGuid():N}.jsonl");
        try
        {
            await new ReplayJob(new ReplayOptions(log.Path, output), Pipeline, new BaselineScorer(), TimeProvider.System, directory).RunAsync(cancellationToken);
        }
        finally
        {
            File.Delete(output);
        }

        return PipelineState.Open(Pipeline, directory, TimeProvider.System);
    }
}
