using System.Diagnostics;
using System.Text.Json;
using Confluent.Kafka;
using StreamRec.Kafka.Hosting;
using StreamRec.Kafka.Options;

namespace StreamRec.Deploy.Tests;

/// <summary>The compose file's simulator: <c>streamrec traffic</c> against a broker it did not start.</summary>
public sealed class TrafficCommandTests
{
    [Fact]
    public async Task Traffic_AgainstARunningBroker_SendsLiveEventsOntoTheInputTopics()
    {
        var topics = new KafkaTopics();
        await using var broker = EmbeddedStreamRecBroker.Start(topics, partitions: 2);
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        var (exitCode, stdout, stderr) = await RunStreamRecAsync("traffic", "--bootstrap-servers", broker.BootstrapServers, "--rate", "400", "--duration", "2s");

        var after = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        Assert.True(exitCode == 0, stderr);
        using var summary = JsonDocument.Parse(stdout.Trim().Split('\n')[^1]);
        var sent = summary.RootElement.GetProperty("events_sent").GetInt64();
        Assert.InRange(sent, 200, 1000); // 400 events/s for 2 s, paced

        var received = ReadInputTopics(broker.BootstrapServers, topics, partitions: 2);
        Assert.Equal(sent, received.Count);
        Assert.All(received, record =>
        {
            // Event time follows wall time: stamped at sending, in the payload and as the Kafka timestamp.
            Assert.InRange(record.Timestamp, before, after);
            Assert.Equal(record.Timestamp, record.EventTime);
        });
        Assert.Contains(received, record => record.Topic == topics.Rooms);
        Assert.Contains(received, record => record.Topic == topics.Clicks);
    }

    [Fact]
    public async Task Traffic_InvalidRate_ExitsWithUsageError()
    {
        var (exitCode, _, stderr) = await RunStreamRecAsync("traffic", "--bootstrap-servers", "127.0.0.1:1", "--rate", "0");

        Assert.Equal(2, exitCode);
        Assert.Contains("--rate must be in (0, 1000000]", stderr, StringComparison.Ordinal);
    }

    private static List<(string Topic, long Timestamp, long EventTime)> ReadInputTopics(string bootstrap, KafkaTopics topics, int partitions)
    {
        var config = new ConsumerConfig { BootstrapServers = bootstrap, GroupId = "traffic-test", EnablePartitionEof = true, EnableAutoCommit = false };
        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(config).Build();
        var inputs = new[] { topics.Clicks, topics.Comments, topics.Purchases, topics.Rooms };
        var assigned = inputs.SelectMany(topic => Enumerable.Range(0, partitions).Select(partition => new TopicPartitionOffset(topic, partition, Offset.Beginning))).ToList();
        consumer.Assign(assigned);
        var open = assigned.Select(tpo => tpo.TopicPartition).ToHashSet();
        var records = new List<(string, long, long)>();
        var deadline = Stopwatch.StartNew();
        while (open.Count > 0)
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(60), $"{open.Count} partitions not read to their end");
            var result = consumer.Consume(TimeSpan.FromMilliseconds(200));
            if (result is null)
            {
                continue;
            }

            if (result.IsPartitionEOF)
            {
                open.Remove(result.TopicPartition);
                continue;
            }

            using var value = JsonDocument.Parse(result.Message.Value);
            records.Add((result.Topic, result.Message.Timestamp.UnixTimestampMs, value.RootElement.GetProperty("ts").GetInt64()));
        }

        consumer.Close();
        return records;
    }

    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunStreamRecAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "streamrec.dll"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }
}
