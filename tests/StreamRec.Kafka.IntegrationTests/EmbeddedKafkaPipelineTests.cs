using StreamRec.Kafka.IntegrationTests.Clusters;

namespace StreamRec.Kafka.IntegrationTests;

/// <summary>The pipeline tests against the embedded broker, which every machine has.</summary>
public sealed class EmbeddedKafkaPipelineTests(EmbeddedKafkaCluster cluster) : KafkaPipelineTests(cluster), IClassFixture<EmbeddedKafkaCluster>;
