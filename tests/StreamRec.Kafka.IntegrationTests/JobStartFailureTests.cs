using Microsoft.Extensions.Logging.Abstractions;
using StreamRec.Kafka.Hosting;
using StreamRec.Kafka.IntegrationTests.Clusters;
using StreamRec.Kafka.IntegrationTests.Support;
using StreamRec.Pipeline.Options;
using StreamRec.Pipeline.Scoring;

namespace StreamRec.Kafka.IntegrationTests;

/// <summary>
/// A run that fails before it has partitions: whoever waits for its control or its first assignment (the demo, the
/// bench's live run) learns why at once. Before, both tasks stayed pending and their waiters waited out their limit.
/// </summary>
public sealed class JobStartFailureTests(EmbeddedKafkaCluster cluster) : IClassFixture<EmbeddedKafkaCluster>
{
    /// <summary>Far beyond the failures' seconds: reaching it is the defect these guard against.</summary>
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task Control_BrokerUnreachableAtStart_FaultsWithTheRunsFailure()
    {
        var kafka = KafkaTestDefaults.Options("127.0.0.1:9", KafkaTestDefaults.UniqueTopics("unreachable"), "unreachable");
        var job = new KafkaPipelineJob(kafka, new PipelineOptions(), new BaselineScorer(), TimeProvider.System, NullLogger.Instance);
        var run = job.RunAsync(CancellationToken.None).AsTask();

        var failure = await Record.ExceptionAsync(() => job.Control.WaitAsync(Limit));

        Assert.NotNull(failure);
        Assert.IsNotType<TimeoutException>(failure);
        Assert.Same(run.Exception?.InnerException, failure);
    }

    [Fact]
    public async Task FirstAssignment_ConsumerCannotBeBuilt_FaultsWithItsFailure()
    {
        var topics = KafkaTestDefaults.UniqueTopics("no-consumer");
        await cluster.CreateTopicsAsync(topics.All, 2);

        // A consumer setting librdkafka refuses: the stream starts, but its consumers cannot be built.
        var kafka = KafkaTestDefaults.Options(cluster.BootstrapServers, topics, "no-consumer") with
        {
            Consumer = new Dictionary<string, string> { ["no.such.property"] = "1" },
        };
        var job = new KafkaPipelineJob(kafka, new PipelineOptions(), new BaselineScorer(), TimeProvider.System, NullLogger.Instance);
        var run = job.RunAsync(CancellationToken.None).AsTask();
        var control = await job.Control.WaitAsync(Limit);

        var failure = await Record.ExceptionAsync(() => control.FirstAssignment.WaitAsync(Limit));

        Assert.NotNull(failure);
        Assert.IsNotType<TimeoutException>(failure);
        Assert.NotNull(await Record.ExceptionAsync(() => run.WaitAsync(Limit)));
    }

    [Fact]
    public async Task Run_ExchangeTopicMissing_FailsNamingTheTopic()
    {
        var topics = KafkaTestDefaults.UniqueTopics("no-exchange");
        await cluster.CreateTopicsAsync(topics.All.Where(topic => topic != topics.Aggregates), 2);
        var kafka = KafkaTestDefaults.Options(cluster.BootstrapServers, topics, "no-exchange");
        var job = new KafkaPipelineJob(kafka, new PipelineOptions(), new BaselineScorer(), TimeProvider.System, NullLogger.Instance);

        var failure = await Record.ExceptionAsync(() => job.RunAsync(CancellationToken.None).AsTask().WaitAsync(Limit));

        Assert.NotNull(failure);
        Assert.Contains($"Topic '{topics.Aggregates}' is not available", failure.Message, StringComparison.Ordinal);
    }
}
