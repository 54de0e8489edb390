using System.Text.Json.Serialization;

namespace StreamRec.Cli.Commands.Demo;

[JsonSerializable(typeof(DemoSummary))]
internal sealed partial class DemoJson : JsonSerializerContext;
