using System.Diagnostics;
using Confluent.Kafka;
using Microsoft.Extensions.Logging.Abstractions;
using StreamRec.Kafka.Embedded;
using StreamRec.Kafka.Hosting;
using StreamRec.Kafka.Options;
using StreamRec.Kafka.Producing;
using StreamRec.Pipeline.Options;
using StreamRec.Pipeline.Scoring;

namespace StreamRec.Cli.Commands.Bench;

/// <summary>
/// The pipeline through the embedded broker against plain produce→consume of the same messages, on the same
/// broker and partition count, in the same run: each set of topics is filled first, then drained and timed,
/// by a plain consumer group (raw) and by <c>run</c> until caught up (pipeline).
/// </summary>
internal static class KafkaMeasurement
{
    public static async Task<(double PipelineEventsPerSec, double RawEventsPerSec, long Events)> RunAsync(
        string log, int events, int partitions, PipelineOptions pipeline, CancellationToken cancellationToken)
    {
        var prefix = Path.Combine(Path.GetTempPath(), $"streamrec-bench-{Guid.NewGuid():N}.jsonl");
        try
        {
            await File.WriteAllLinesAsync(prefix, File.ReadLines(log).Take(events), cancellationToken).ConfigureAwait(false);
            var raw = Topics("raw");
            var piped = Topics("pipeline");
            using var broker = EmbeddedKafkaBroker.Start(new EmbeddedKafkaBrokerOptions { DefaultPartitions = partitions });
            foreach (var topic in raw.All.Concat(piped.All))
            {
                broker.CreateTopic(topic, topic.EndsWith(".metrics", StringComparison.Ordinal) ? 1 : partitions);
            }

            broker.SetInitialRebalanceDelay(TimeSpan.Zero);
            var produced = await ProduceAsync(broker, raw, prefix, cancellationToken).ConfigureAwait(false);
            await ProduceAsync(broker, piped, prefix, cancellationToken).ConfigureAwait(false);

            var rawRate = ConsumeAll(broker.BootstrapServers, raw, produced, cancellationToken);
            var kafka = Options(broker.BootstrapServers, piped, "bench-pipeline");
            var stopwatch = Stopwatch.StartNew();
            var summary = await new KafkaPipelineJob(kafka, pipeline, new BaselineScorer(), TimeProvider.System, NullLogger.Instance)
                .RunAsync(cancellationToken).ConfigureAwait(false);
            return (summary.RecordsIn / stopwatch.Elapsed.TotalSeconds, rawRate, produced);
        }
        finally
        {
            File.Delete(prefix);
        }
    }

    /// <summary>The product's topics under a prefix, so several measurements share one broker.</summary>
    internal static KafkaTopics Topics(string name) => new()
    {
        Clicks = $"{name}.clicks", Comments = $"{name}.comments", Purchases = $"{name}.purchases", Privacy = $"{name}.privacy", Rooms = $"{name}.rooms",
        Deltas = $"{name}.deltas", DeadLetters = $"{name}.dlq", Metrics = $"{name}.metrics", Changelog = $"{name}.changelog",
        Aggregates = $"{name}.aggregates",
    };

    /// <summary>Options of a bench client: short polls and fetch waits, and a run that ends once caught up.</summary>
    internal static KafkaOptions Options(string bootstrap, KafkaTopics topics, string instance) => new()
    {
        BootstrapServers = bootstrap,
        GroupId = $"{instance}-{Guid.NewGuid():N}",
        InstanceId = instance,
        Topics = topics,
        StopWhenCaughtUp = true,
        PollTimeout = TimeSpan.FromMilliseconds(20),
        Consumer = new Dictionary<string, string> { ["fetch.wait.max.ms"] = "20" },
    };

    private static async Task<long> ProduceAsync(EmbeddedKafkaBroker broker, KafkaTopics topics, string prefix, CancellationToken cancellationToken)
    {
        var summary = await new EventLogProducer(Options(broker.BootstrapServers, topics, "bench-produce"), prefix, paceLag: null, TimeProvider.System, NullLogger.Instance)
            .RunAsync(cancellationToken).ConfigureAwait(false);
        return summary.Events;
    }

    /// <summary>Reads every message of the input topics with a plain consumer group; events per second of the drain.</summary>
    private static double ConsumeAll(string bootstrap, KafkaTopics topics, long expected, CancellationToken cancellationToken)
    {
        var config = new ConsumerConfig(KafkaClientConfigs.GroupConsumer(Options(bootstrap, topics, "bench-raw")));
        using var consumer = new ConsumerBuilder<byte[], byte[]>(config).Build();
        var stopwatch = Stopwatch.StartNew();
        consumer.Subscribe([.. topics.UserTopics, topics.Rooms]);
        long read = 0;
        while (read < expected)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var result = consumer.Consume(TimeSpan.FromMilliseconds(100));
            if (result is { IsPartitionEOF: false, Message: not null })
            {
                read++;
            }

            if (stopwatch.Elapsed > TimeSpan.FromMinutes(5))
            {
                throw new TimeoutException($"Raw consumer read {read} of {expected} messages in 5 minutes.");
            }
        }

        var rate = read / stopwatch.Elapsed.TotalSeconds;
        consumer.Close();
        return rate;
    }
}
