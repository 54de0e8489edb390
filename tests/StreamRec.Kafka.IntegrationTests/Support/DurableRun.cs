using System.Text;
using Confluent.Kafka;
using Microsoft.Extensions.Logging.Abstractions;
using StreamRec.Kafka.Consuming;
using StreamRec.Kafka.Hosting;
using StreamRec.Kafka.Options;
using StreamRec.Pipeline.Durability;
using StreamRec.Pipeline.Options;
using StreamRec.Pipeline.Scoring;
using StreamRec.State;

namespace StreamRec.Kafka.IntegrationTests.Support;

/// <summary>A Kafka run over a RocksDB state directory (the baseline scorer), and what the directory and the changelog hold after it.</summary>
internal static class DurableRun
{
    public static async Task<(KafkaRunSummary Summary, KafkaSourceControl Control)> RunAsync(
        KafkaOptions kafka, PipelineOptions pipeline, string directory, CancellationToken cancellationToken)
    {
        using var state = RocksDbPartition.Open(new RocksDbStoreOptions { Directory = directory }, 0);
        var job = new KafkaPipelineJob(kafka, pipeline, new BaselineScorer(), TimeProvider.System, NullLogger.Instance, stateDirectory: state);
        var summary = await job.RunAsync(cancellationToken);
        return (summary, await job.Control);
    }

    /// <summary>The users the directory's store holds, in the portable layout the changelog uses.</summary>
    public static Dictionary<string, byte[]> StoredUsers(string directory, PipelineOptions pipeline, int partitions)
    {
        using var state = RocksDbPartition.Open(new RocksDbStoreOptions { Directory = directory }, 0);
        return Portable.Users(state, pipeline with { Partitions = partitions });
    }

    /// <summary>The last changelog record of each user key, as a compacted topic keeps it (null: a tombstone); seq fence markers left out.</summary>
    public static Dictionary<string, byte[]?> LatestUsers(IEnumerable<ConsumeResult<byte[]?, byte[]?>> changelog) =>
        changelog.Where(r => !SeqFenceMarker.IsMarker(r.Message.Key)).OrderBy(r => r.Partition.Value).ThenBy(r => r.Offset.Value)
            .GroupBy(r => Encoding.UTF8.GetString(r.Message.Key!)).ToDictionary(g => g.Key, g => g.Last().Message.Value);
}
