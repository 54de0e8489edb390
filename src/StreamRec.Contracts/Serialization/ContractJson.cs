using System.Text.Json.Serialization;
using StreamRec.Contracts.Events;
using StreamRec.Contracts.Outputs;

namespace StreamRec.Contracts.Serialization;

/// <summary>Source-generated System.Text.Json metadata for every contract type (no reflection at run time).</summary>
[JsonSourceGenerationOptions(
    AllowOutOfOrderMetadataProperties = true,
    RespectRequiredConstructorParameters = true,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip)]
[JsonSerializable(typeof(LiveEvent))]
[JsonSerializable(typeof(RecommendationDelta))]
[JsonSerializable(typeof(DeadLetter))]
public sealed partial class ContractJson : JsonSerializerContext;
