using System.Text.Json.Serialization;

namespace StreamRec.Cli.Commands.Demo;

[JsonSerializable(typeof(DemoSummary))]
[JsonSerializable(typeof(TrafficSummary))]
internal sealed partial class DemoJson : JsonSerializerContext;
