using System.Text.Json.Nodes;
using NJsonSchema;

namespace StreamRec.Simulation.Tests;

public sealed class JsonLinesFormatTests(SmallWorld world) : IClassFixture<SmallWorld>
{
    private static readonly string SchemaDirectory = Path.Combine(AppContext.BaseDirectory, "schemas");

    public static TheoryData<string> Kinds { get; } = ["click", "comment", "purchase", "room_start", "room_stop", "room_update"];

    [Fact]
    public void EveryLine_ThroughTheContractSerializer_ComesBackAsTheSameBytes()
    {
        var different = Simulation.Lines(world.Bytes)
            .Where(line => ContractLines.Serialize(ContractLines.Deserialize(line)) != line)
            .Take(3).ToList();

        Assert.Empty(different);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Lines_OfEachKind_ValidateAgainstTheirSchema(string kind)
    {
        var schema = await JsonSchema.FromFileAsync(Path.Combine(SchemaDirectory, $"{kind}.schema.json"));
        var lines = Simulation.Lines(world.Bytes).Where(l => (string?)JsonNode.Parse(l)!["type"] == kind).Take(50).ToList();

        Assert.NotEmpty(lines);
        Assert.All(lines, line => Assert.Empty(schema.Validate(line)));
    }
}
