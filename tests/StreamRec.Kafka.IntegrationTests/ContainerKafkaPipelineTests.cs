using StreamRec.Kafka.IntegrationTests.Clusters;

namespace StreamRec.Kafka.IntegrationTests;

/// <summary>The same tests against a real Kafka in a container; skipped, with the reason, where no Docker engine answers.</summary>
public sealed class ContainerKafkaPipelineTests(ContainerKafkaCluster cluster) : KafkaPipelineTests(cluster), IClassFixture<ContainerKafkaCluster>;
