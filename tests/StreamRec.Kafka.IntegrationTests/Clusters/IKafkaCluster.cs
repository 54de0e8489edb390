namespace StreamRec.Kafka.IntegrationTests.Clusters;

/// <summary>A Kafka the tests run against: the embedded broker, or a real one in a container.</summary>
public interface IKafkaCluster
{
    /// <summary>Why this cluster cannot run here (for example no Docker engine), or null when it is ready.</summary>
    string? SkipReason { get; }

    string BootstrapServers { get; }

    /// <summary>Creates each topic with <paramref name="partitions"/> partitions.</summary>
    Task CreateTopicsAsync(IEnumerable<string> topics, int partitions);
}
