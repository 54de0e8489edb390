using StreamRec.Kafka.Options;

namespace StreamRec.Kafka.Tests.Options;

public sealed class KafkaOptionsTests
{
    [Fact]
    public void Validate_DefaultsWithBootstrap_Passes()
    {
        var options = new KafkaOptions { BootstrapServers = "localhost:9092" };

        Assert.Same(options, options.Validate());
    }

    [Fact]
    public void Validate_SeveralBadSettings_ListsEveryProblem()
    {
        var options = new KafkaOptions
        {
            BootstrapServers = " ",
            PollTimeout = TimeSpan.Zero,
            MergeWait = TimeSpan.FromSeconds(-1),
            MaxInFlightMessages = 0,
            Topics = new KafkaTopics { Deltas = "bad topic", Metrics = "live.clicks" },
        };

        var error = Assert.Throws<ArgumentException>(() => options.Validate());

        foreach (var expected in new[] { "BootstrapServers", "PollTimeout", "MergeWait", "MaxInFlightMessages", "'bad topic'", "'live.clicks' is used for 2 roles" })
        {
            Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void UserTopics_Defaults_AreTheThreeUserEventTopicsAndPrivacy() =>
        Assert.Equal(["live.clicks", "live.comments", "live.purchases", "live.privacy"], new KafkaTopics().UserTopics);
}
