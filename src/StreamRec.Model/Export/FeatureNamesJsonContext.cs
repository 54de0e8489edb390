using System.Text.Json.Serialization;

namespace StreamRec.Model.Export;

/// <summary>Source-generated JSON metadata for the feature-name list stored in the ONNX model's metadata.</summary>
[JsonSerializable(typeof(IReadOnlyList<string>))]
internal sealed partial class FeatureNamesJsonContext : JsonSerializerContext
{
}
