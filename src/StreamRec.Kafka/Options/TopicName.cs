using StreamRec.Kafka.Embedded;

namespace StreamRec.Kafka.Options;

/// <summary>Kafka's rule for topic names, shared by options and the embedded broker.</summary>
internal static class TopicName
{
    public static string? Validate(string? name) => EmbeddedKafkaBrokerOptions.ValidateTopicName(name);
}
