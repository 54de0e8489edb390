using System.Text.RegularExpressions;
using StreamRec.Deploy.Tests.Support;
using StreamRec.Kafka.Hosting;
using StreamRec.Kafka.Options;

namespace StreamRec.Deploy.Tests;

public sealed partial class ComposeTests
{
    /// <summary>Durable state's changelog: the only topic whose cleanup policy matters (compaction keeps each user's latest state).</summary>
    private static readonly string Changelog = new KafkaTopics().Changelog;

    private static readonly YamlDotNet.RepresentationModel.YamlMappingNode Services =
        Yaml.Documents(RepositoryFiles.PathOf(DeploymentFiles.Compose)).Single().Map("services");

    [Fact]
    public void TopicStep_Topics_AreTheProductsWithTheEmbeddedBrokersPartitionCounts()
    {
        var script = string.Join('\n', Services.Map("kafka-init").Strings("command"));
        var created = TopicLine().Matches(script).ToDictionary(match => match.Groups[1].Value, match => int.Parse(match.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture));

        // The same topics and counts `streamrec broker --partitions 4` and `run`'s embedded broker create.
        var expected = EmbeddedStreamRecBroker.Options(new KafkaTopics(), partitions: 4).Topics.ToDictionary();
        Assert.Equal(expected.OrderBy(pair => pair.Key, StringComparer.Ordinal), created.OrderBy(pair => pair.Key, StringComparer.Ordinal));
        Assert.Matches($@"--topic {Regex.Escape(Changelog)} .*--config cleanup.policy=compact", script);
        Assert.Equal("service_completed_successfully", Services.Map("streamrec").Map("depends_on").Map("kafka-init").Text("condition"));
    }

    [Fact]
    public void Kafka_SingleNode_IsCombinedKraftWithReplicationFactorOneAndNoRebalanceDelay()
    {
        var kafka = Services.Map("kafka").Map("environment");

        Assert.Equal("broker,controller", kafka.Text("KAFKA_PROCESS_ROLES"));
        Assert.Equal("0", kafka.Text("KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS"));
        foreach (var factor in kafka.Children.Keys.Select(key => key.ToString()).Where(key => key.EndsWith("_REPLICATION_FACTOR", StringComparison.Ordinal)))
        {
            Assert.Equal("1", kafka.Text(factor));
        }

        Assert.Equal("1", kafka.Text("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR"));
    }

    [Fact]
    public void StreamRecService_HealthCheckAndStateVolume_MatchItsSettings()
    {
        var service = Services.Map("streamrec");
        var environment = service.Map("environment");
        var port = environment.Text("STREAMREC_Http__Port")!;

        var probe = string.Join(' ', service.Map("healthcheck").Strings("test"));
        Assert.Contains($"/dev/tcp/127.0.0.1/{port}", probe, StringComparison.Ordinal);
        Assert.Contains("GET /readyz ", probe, StringComparison.Ordinal);
        Assert.Contains($"\"{port}:{port}\"", RepositoryFiles.Read(DeploymentFiles.Compose), StringComparison.Ordinal);

        var mount = service.Strings("volumes").Single().Split(':');
        Assert.NotNull(Yaml.Documents(RepositoryFiles.PathOf(DeploymentFiles.Compose)).Single().Map("volumes").Get(mount[0]));
        Assert.StartsWith(mount[1] + "/", environment.Text("STREAMREC_State__Directory"), StringComparison.Ordinal);
    }

    [GeneratedRegex(@"--topic (\S+) --partitions (\d+)")]
    private static partial Regex TopicLine();
}
