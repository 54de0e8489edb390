using System.Buffers;
using System.Text;
using System.Text.Json;
using StreamRec.Contracts.Outputs;
using StreamRec.Contracts.Serialization;

namespace StreamRec.Contracts.Tests;

/// <summary>
/// Model-based: the source-generated serializer is the model, and <see cref="DeltaJson"/> must give its bytes for
/// every delta, through both writers the pipeline uses (a Kafka value, a JSON-lines writer that skips validation).
/// </summary>
public sealed class DeltaJsonTests
{
    private static readonly string[] Names = ["user-000042", "room-00017", "é\u00e9ñ", "quote\"back\\slash", "<tag>&'", "emoji \U0001F600", "tab\tnew\nline", "", "\u0001ctl"];

    [Fact]
    public void ToUtf8Bytes_RandomDeltas_SameBytesAsTheSerializer()
    {
        var random = new Random(20261202);
        for (var i = 0; i < 20_000; i++)
        {
            var delta = RandomDelta(random);
            var expected = JsonSerializer.SerializeToUtf8Bytes(delta, ContractJson.Default.RecommendationDelta);

            var actual = DeltaJson.ToUtf8Bytes(delta);

            Assert.True(expected.AsSpan().SequenceEqual(actual), $"case {i}:\n  serializer {Encoding.UTF8.GetString(expected)}\n  DeltaJson  {Encoding.UTF8.GetString(actual)}");
        }
    }

    [Fact]
    public void Write_ToAWriterThatSkipsValidation_SameBytesAsTheSerializerOnIt()
    {
        var random = new Random(7);
        var expected = new ArrayBufferWriter<byte>();
        var actual = new ArrayBufferWriter<byte>();
        using var model = new Utf8JsonWriter(expected, new JsonWriterOptions { SkipValidation = true });
        using var writer = new Utf8JsonWriter(actual, new JsonWriterOptions { SkipValidation = true });
        for (var i = 0; i < 2_000; i++)
        {
            var delta = RandomDelta(random);

            JsonSerializer.Serialize(model, delta, ContractJson.Default.RecommendationDelta);
            DeltaJson.Write(writer, delta);
        }

        model.Flush();
        writer.Flush();
        Assert.Equal(Encoding.UTF8.GetString(expected.WrittenSpan), Encoding.UTF8.GetString(actual.WrittenSpan));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1e-7)]
    [InlineData(1e-4)]
    [InlineData(-1e-4)]
    [InlineData(9.9e-5)]
    [InlineData(1e-6)]
    [InlineData(999_999.999999)]
    [InlineData(1e6)]
    [InlineData(123_456_789.5)]
    [InlineData(0.1)]
    [InlineData(5.382196)]
    [InlineData(2.0)]
    [InlineData(0.30000000000000004)]
    [InlineData(double.Epsilon)]
    [InlineData(double.MaxValue)]
    public void ToUtf8Bytes_EdgeScores_SameBytesAsTheSerializer(double score)
    {
        var delta = Delta([new RankedRoom("room-1", 1, score)]);

        Assert.Equal(
            Encoding.UTF8.GetString(JsonSerializer.SerializeToUtf8Bytes(delta, ContractJson.Default.RecommendationDelta)),
            Encoding.UTF8.GetString(DeltaJson.ToUtf8Bytes(delta)));
    }

    [Fact]
    public void ToUtf8Bytes_ANegativeScoreRoundedToZero_SameBytesAsTheSerializer()
    {
        var delta = Delta([new RankedRoom("room-1", 1, Math.Round(-1e-7, DeltaJson.ScoreDigits))]);

        Assert.Equal(
            Encoding.UTF8.GetString(JsonSerializer.SerializeToUtf8Bytes(delta, ContractJson.Default.RecommendationDelta)),
            Encoding.UTF8.GetString(DeltaJson.ToUtf8Bytes(delta)));
    }

    [Fact]
    public void ToUtf8Bytes_EveryPublishedScoreOfFloatsAcrossMagnitudes_SameBytesAsTheSerializer()
    {
        // The pipeline publishes Math.Round((double)floatScore, 6): sweep such values densely, decade by decade.
        var random = new Random(11);
        var rooms = new RankedRoom[50];
        for (var decade = -5; decade <= 7; decade++)
        {
            for (var call = 0; call < 400; call++)
            {
                for (var i = 0; i < rooms.Length; i++)
                {
                    var value = (float)((random.NextDouble() * 9 + 1) * Math.Pow(10, decade) * (random.Next(2) == 0 ? -1 : 1));
                    rooms[i] = new RankedRoom("r", i + 1, Math.Round(value, DeltaJson.ScoreDigits));
                }

                var delta = Delta([.. rooms]);
                var expected = JsonSerializer.SerializeToUtf8Bytes(delta, ContractJson.Default.RecommendationDelta);
                var actual = DeltaJson.ToUtf8Bytes(delta);
                Assert.True(expected.AsSpan().SequenceEqual(actual), $"decade {decade}:\n  {Encoding.UTF8.GetString(expected)}\n  {Encoding.UTF8.GetString(actual)}");
            }
        }
    }

    private static RecommendationDelta RandomDelta(Random random)
    {
        var top = new RankedRoom[random.Next(0, 12)];
        for (var i = 0; i < top.Length; i++)
        {
            top[i] = new RankedRoom(Name(random), i + 1, Score(random))
            {
                Why = random.Next(4) == 0 ? [.. Enumerable.Range(0, random.Next(0, 4)).Select(_ => new FeatureContribution(Name(random), Score(random), random.NextDouble() - 0.5))] : null,
            };
        }

        return new RecommendationDelta
        {
            UserId = Name(random),
            Seq = random.NextInt64(1, long.MaxValue),
            Ts = random.NextInt64(-1, long.MaxValue),
            Top = top,
            Added = [.. Enumerable.Range(0, random.Next(0, 4)).Select(_ => Name(random))],
            Removed = [.. Enumerable.Range(0, random.Next(0, 4)).Select(_ => Name(random))],
            Forgotten = random.Next(10) == 0,
        };
    }

    /// <summary>Rounded scores of every magnitude, most in the range published scores fall in, and some unrounded.</summary>
    private static double Score(Random random)
    {
        var value = (random.NextDouble() - 0.3) * Math.Pow(10, random.Next(-9, 10));
        return random.Next(5) switch
        {
            0 => value,
            1 => Math.Round(value, random.Next(0, 8)),
            2 => random.Next(3) - 1,
            _ => Math.Round((double)(float)value, DeltaJson.ScoreDigits),
        };
    }

    private static string Name(Random random) => random.Next(3) == 0 ? Names[random.Next(Names.Length)] : $"room-{random.Next(100_000):D5}";

    private static RecommendationDelta Delta(RankedRoom[] top) =>
        new() { UserId = "user-1", Seq = 1, Ts = 1_767_636_385_428, Top = top, Added = [], Removed = [] };
}
