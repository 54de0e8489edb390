using System.Diagnostics;
using System.Globalization;
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
/// The changelog restore `run` does on assignment, at 1M users: the changelog spread over enough partitions that each
/// stays inside the embedded broker's ~5 MB window. Opt-in, it takes minutes and GBs: set STREAMREC_RESTORE_USERS
/// (e.g. 1000000) and optionally STREAMREC_RESTORE_PARTITIONS (default 128). Figures are printed, not asserted; the
/// test checks that every user was restored into the store.
/// </summary>
public sealed class MillionUserRestoreMeasurementTests(EmbeddedKafkaCluster cluster, ITestOutputHelper output) : IClassFixture<EmbeddedKafkaCluster>
{
    [SkippableFact]
    public async Task Run_ChangelogOfAMillionUsersOverManyPartitions_RestoresEveryUser()
    {
        var users = Environment.GetEnvironmentVariable("STREAMREC_RESTORE_USERS");
        Skip.If(users is null, "Opt-in measurement: set STREAMREC_RESTORE_USERS (e.g. 1000000) to run it.");
        var count = int.Parse(users, CultureInfo.InvariantCulture);
        var partitions = int.Parse(Environment.GetEnvironmentVariable("STREAMREC_RESTORE_PARTITIONS") ?? "128", CultureInfo.InvariantCulture);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(30));
        var pipeline = new PipelineOptions { Partitions = partitions };

        var topics = KafkaTestDefaults.UniqueTopics("restore-1m");
        await cluster.CreateTopicsAsync(topics.All, partitions);
        var generator = new SyntheticUsers(pipeline, seed: 11);
        var bytes = new long[partitions];
        var filling = Stopwatch.StartNew();
        long failed = 0;
        string? firstError = null;
        using (var producer = new ProducerBuilder<byte[]?, byte[]?>(new ProducerConfig { BootstrapServers = cluster.BootstrapServers, EnableIdempotence = true, LingerMs = 50, QueueBufferingMaxMessages = 1_000_000 }).Build())
        {
            for (var i = 0; i < count; i++)
            {
                var name = $"user-{i:D7}";
                var partition = UserPartitioner.PartitionOf(name, partitions);
                var record = generator.Next(generator.Draw(pipeline.MaxAffinities));
                bytes[partition] += record.Length + name.Length;
                var message = new Message<byte[]?, byte[]?> { Key = Encoding.UTF8.GetBytes(name), Value = record };
                while (true)
                {
                    try
                    {
                        producer.Produce(new TopicPartition(topics.Changelog, partition), message, report =>
                        {
                            if (report.Error.IsError && Interlocked.Increment(ref failed) == 1)
                            {
                                firstError = $"{report.Error.Code}: {report.Error.Reason}";
                            }
                        });
                        break;
                    }
                    catch (ProduceException<byte[]?, byte[]?> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
                    {
                        producer.Poll(TimeSpan.FromMilliseconds(100));
                    }
                }
            }

            producer.Flush(timeout.Token);
        }

        var ends = await KafkaReader.EndOffsetsAsync(cluster.BootstrapServers, Enumerable.Range(0, partitions).Select(p => new TopicPartition(topics.Changelog, p)));
        output.WriteLine($"filled {count} users into {partitions} changelog partitions in {filling.Elapsed.TotalSeconds:F1} s: {ends.Values.Sum()} records on the broker, {failed} failed ({firstError})");
        Assert.Equal(0, Interlocked.Read(ref failed));
        Assert.Equal(count, ends.Values.Sum());
        var restore = await RunAsync(pipeline, partitions, timeout.Token, topics);

        // The fixed cost of a run over as many partitions (joining the group, opening the stores, stopping), with nothing to restore.
        var empty = await RunAsync(pipeline, partitions, timeout.Token);

        var total = bytes.Sum();
        output.WriteLine(
            $"{count} users, {restore.Records} records, {total / 1e6:F1} MB ({total / count} B per record with its key; largest partition {bytes.Max() / 1e6:F2} MB), {partitions} partitions");
        output.WriteLine(
            $"run: {restore.Run.TotalSeconds:F1} s in all; {empty.Run.TotalSeconds:F1} s for the same run with nothing to restore; " +
            $"so the restore took {(restore.Run - empty.Run).TotalSeconds:F1} s ({count / Math.Max((restore.Run - empty.Run).TotalSeconds, 1e-3):F0} records/s), " +
            $"of which reading the changelog {restore.Read.TotalSeconds:F1} s ({count / Math.Max(restore.Read.TotalSeconds, 1e-3):F0} records/s)");
        output.WriteLine(
            $"peak RSS during the run {restore.PeakRss / 1e6:F0} MB ({restore.BaselineRss / 1e6:F0} MB before it: the test process, which hosts the broker and its {total / 1e6:F0} MB); " +
            $"peak during the empty run {empty.PeakRss / 1e6:F0} MB; state directory {restore.DiskBytes / 1e6:F0} MB ({restore.DiskBytes / count} B per user); {restore.StoredUsers} users stored");
        Assert.Equal(count, restore.Records);
        Assert.Equal(count, restore.StoredUsers);
    }

    private async Task<Measured> RunAsync(PipelineOptions pipeline, int partitions, CancellationToken cancellationToken, Kafka.Options.KafkaTopics? filled = null)
    {
        var topics = filled;
        if (topics is null)
        {
            topics = KafkaTestDefaults.UniqueTopics("restore-1m-empty");
            await cluster.CreateTopicsAsync(topics.All, partitions);
        }

        var kafka = KafkaTestDefaults.Options(cluster.BootstrapServers, topics, "measure");
        var directory = Directory.CreateTempSubdirectory("streamrec-restore-1m-").FullName;
        try
        {
            GC.Collect();
            var baseline = Rss("VmRSS");
            ResetPeakRss();
            TimeSpan run;
            Consuming.KafkaSourceControl control;
            using (var state = RocksDbPartition.Open(new RocksDbStoreOptions { Directory = directory }, 0))
            {
                var job = new KafkaPipelineJob(kafka, pipeline, new BaselineScorer(), TimeProvider.System, NullLogger.Instance, stateDirectory: state);
                var started = Stopwatch.GetTimestamp();
                await job.RunAsync(cancellationToken);
                run = Stopwatch.GetElapsedTime(started);
                control = await job.Control;
            }

            var peak = Rss("VmHWM");
            var disk = new DirectoryInfo(directory).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length);
            long stored;
            using (var state = RocksDbPartition.Open(new RocksDbStoreOptions { Directory = directory }, 0))
            {
                // Count is the unit of work's, not the store's: iterate.
                stored = Enumerable.Range(0, partitions).Sum(p => state.OpenKeyValueStore($"users-{p}").All().LongCount());
            }

            return new Measured(run, control.RestoreTime, control.RestoredRecords, stored, baseline, peak, disk);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>Linux: writing 5 to clear_refs resets the process's peak resident set size (VmHWM).</summary>
    private static void ResetPeakRss() => File.WriteAllText("/proc/self/clear_refs", "5");

    private static long Rss(string field)
    {
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith(field + ":", StringComparison.Ordinal));
        return long.Parse(line[(field.Length + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
    }

    private sealed record Measured(TimeSpan Run, TimeSpan Read, long Records, long StoredUsers, long BaselineRss, long PeakRss, long DiskBytes);
}
