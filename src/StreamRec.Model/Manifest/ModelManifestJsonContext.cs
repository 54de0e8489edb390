using System.Text.Json.Serialization;

namespace StreamRec.Model.Manifest;

/// <summary>Source-generated JSON metadata for <see cref="ModelManifest"/>: camelCase, indented, no reflection.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    WriteIndented = true,
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true)]
[JsonSerializable(typeof(ModelManifest))]
internal sealed partial class ModelManifestJsonContext : JsonSerializerContext
{
}
