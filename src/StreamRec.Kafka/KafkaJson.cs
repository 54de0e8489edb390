using System.Text.Json.Serialization;
using StreamRec.Kafka.Metrics;
using StreamRec.Kafka.Producing;

namespace StreamRec.Kafka;

/// <summary>Source-generated JSON for what the Kafka edges write besides the contracts.</summary>
[JsonSerializable(typeof(MetricsSnapshot))]
[JsonSerializable(typeof(EventLogProduceSummary))]
[JsonSerializable(typeof(Hosting.KafkaRunSummary))]
public sealed partial class KafkaJson : JsonSerializerContext;
