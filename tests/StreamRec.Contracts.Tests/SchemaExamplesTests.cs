using System.Text.Json;
using System.Text.Json.Nodes;
using NJsonSchema;
using StreamRec.Contracts.Events;
using StreamRec.Contracts.Outputs;
using StreamRec.Contracts.Serialization;
using StreamRec.Pipeline.Decoding;
using StreamRec.Pipeline.Ids;

namespace StreamRec.Contracts.Tests;

public sealed class SchemaExamplesTests
{
    private static readonly string SchemaDirectory = Path.Combine(AppContext.BaseDirectory, "schemas");

    public static TheoryData<string> Kinds { get; } =
        ["click", "comment", "purchase", "room_start", "room_stop", "room_update", "user_forget", "recommendation_delta", "dead_letter"];

    public static TheoryData<string> EventKinds { get; } = ["click", "comment", "purchase", "room_start", "room_stop", "room_update", "user_forget"];

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Example_OfEachKind_ValidatesAgainstItsSchema(string kind)
    {
        var schema = await JsonSchema.FromFileAsync(Path.Combine(SchemaDirectory, $"{kind}.schema.json"));

        var errors = schema.Validate(Example(kind));

        Assert.Empty(errors);
    }

    [Theory]
    [MemberData(nameof(EventKinds))]
    public async Task Schema_OfEachEvent_RejectsTheExampleWithoutItsRequiredFields(string kind)
    {
        var schema = await JsonSchema.FromFileAsync(Path.Combine(SchemaDirectory, $"{kind}.schema.json"));
        var json = JsonNode.Parse(Example(kind))!.AsObject();
        json.Remove("event_id");
        json["ts"] = "yesterday";

        var errors = schema.Validate(json.ToJsonString());

        Assert.Contains(errors, e => e.Property == "event_id");
        Assert.Contains(errors, e => e.Property == "ts");
    }

    [Theory]
    [MemberData(nameof(EventKinds))]
    public void Event_Example_RoundTripsThroughContractTypes(string kind)
    {
        var original = Example(kind);

        var parsed = JsonSerializer.Deserialize(original, ContractJson.Default.LiveEvent)!;
        var written = JsonSerializer.Serialize(parsed, ContractJson.Default.LiveEvent);

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(original), JsonNode.Parse(written)), written);
    }

    [Theory]
    [MemberData(nameof(EventKinds))]
    public void Event_Example_IsAcceptedByThePipelineDecoder(string kind)
    {
        var decoder = new EventDecoder(new IdTables(), 256, 0);
        var contract = JsonSerializer.Deserialize(Example(kind), ContractJson.Default.LiveEvent)!;

        var ok = decoder.TryDecode(File.ReadAllBytes(ExamplePath(kind)), long.MaxValue, out var record, out var error);

        Assert.True(ok, error.Message);
        Assert.Equal(contract.Ts, record.Ts);
        Assert.Equal(kind, KindName(record.Kind));
    }

    [Fact]
    public void Delta_Example_RoundTripsThroughContractType()
    {
        var original = Example("recommendation_delta");

        var delta = JsonSerializer.Deserialize(original, ContractJson.Default.RecommendationDelta)!;
        var written = JsonSerializer.Serialize(delta, ContractJson.Default.RecommendationDelta);

        Assert.Equal(2, delta.Seq);
        Assert.Equal(new RankedRoom("room-00001", 1, 3.322988), delta.Top[0]);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(original), JsonNode.Parse(written)), written);
    }

    [Fact]
    public async Task ExplainedDelta_Example_ValidatesAgainstTheDeltaSchema()
    {
        var schema = await JsonSchema.FromFileAsync(Path.Combine(SchemaDirectory, "recommendation_delta.schema.json"));

        var errors = schema.Validate(Example("recommendation_delta_explained"));

        Assert.Empty(errors);
    }

    [Fact]
    public void ExplainedDelta_Example_RoundTripsThroughContractType()
    {
        var original = Example("recommendation_delta_explained");

        var delta = JsonSerializer.Deserialize(original, ContractJson.Default.RecommendationDelta)!;
        var written = JsonSerializer.Serialize(delta, ContractJson.Default.RecommendationDelta);

        Assert.Equal(new FeatureContribution("streamer_affinity", 1.609438, 1.493526), delta.Top[0].Why![0]);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(original), JsonNode.Parse(written)), written);
    }

    [Fact]
    public async Task DeltaSchema_WhyEntryWithoutContribution_IsRejected()
    {
        var schema = await JsonSchema.FromFileAsync(Path.Combine(SchemaDirectory, "recommendation_delta.schema.json"));
        var json = JsonNode.Parse(Example("recommendation_delta_explained"))!.AsObject();
        json["top"]![0]!["why"]![0]!.AsObject().Remove("contribution");

        var errors = schema.Validate(json.ToJsonString());

        Assert.NotEmpty(errors);
    }

    [Fact]
    public void Delta_WithoutExplanations_WritesNoWhy()
    {
        var delta = new RecommendationDelta { UserId = "u", Seq = 1, Ts = 1, Top = [new RankedRoom("r", 1, 0.5)], Added = ["r"], Removed = [] };

        var written = JsonSerializer.Serialize(delta, ContractJson.Default.RecommendationDelta);

        Assert.Equal("""{"user_id":"u","seq":1,"ts":1,"top":[{"room_id":"r","rank":1,"score":0.5}],"added":["r"],"removed":[]}""", written);
    }

    [Fact]
    public void DeadLetter_Example_RoundTripsThroughContractType()
    {
        var original = Example("dead_letter");

        var letter = JsonSerializer.Deserialize(original, ContractJson.Default.DeadLetter)!;
        var written = JsonSerializer.Serialize(letter, ContractJson.Default.DeadLetter);

        Assert.Equal("wrong_type", letter.Reason);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(original), JsonNode.Parse(written)), written);
    }

    [Fact]
    public void Event_WithUnknownType_FailsToDeserialize()
    {
        var json = """{"type":"teleport","event_id":"e","ts":1767636012859}""";

        Assert.ThrowsAny<JsonException>(() => JsonSerializer.Deserialize(json, ContractJson.Default.LiveEvent));
    }

    private static string ExamplePath(string kind) => Path.Combine(SchemaDirectory, "examples", $"{kind}.json");

    private static string Example(string kind) => File.ReadAllText(ExamplePath(kind));

    private static string KindName(EventKind kind) => kind switch
    {
        EventKind.RoomStart => "room_start",
        EventKind.RoomStop => "room_stop",
        EventKind.RoomUpdate => "room_update",
        EventKind.UserForget => "user_forget",
        _ => kind.ToString().ToLowerInvariant(),
    };
}
