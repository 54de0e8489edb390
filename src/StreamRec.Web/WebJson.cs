using System.Text.Json.Serialization;
using StreamRec.Kafka.Metrics;

namespace StreamRec.Web;

/// <summary>Source-generated JSON of what the HTTP endpoints write.</summary>
[JsonSerializable(typeof(UserView))]
[JsonSerializable(typeof(MetricsSnapshot))]
[JsonSerializable(typeof(UserSuggestion))]
internal sealed partial class WebJson : JsonSerializerContext;
