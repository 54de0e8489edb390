using System.Buffers;
using System.Text.Json;
using StreamRec.Contracts.Outputs;

namespace StreamRec.Contracts.Serialization;

/// <summary>
/// Writes a <see cref="RecommendationDelta"/> as JSON, byte for byte what <see cref="ContractJson"/> writes, at a fraction
/// of its cost: deltas are the pipeline's bulk output (about two per event), and formatting their scores as shortest
/// round-trip doubles was a twentieth of a replay's CPU time. A published score is rounded to
/// <see cref="ScoreDigits"/> decimals, so it is written as that decimal; any other number goes through the writer.
/// Reading stays with <see cref="ContractJson"/>.
/// </summary>
public static class DeltaJson
{
    /// <summary>The decimals a published score is rounded to (<c>Math.Round(score, 6)</c>).</summary>
    public const int ScoreDigits = 6;

    private const double Scale = 1e6;

    private static readonly JsonEncodedText UserId = JsonEncodedText.Encode("user_id");
    private static readonly JsonEncodedText Seq = JsonEncodedText.Encode("seq");
    private static readonly JsonEncodedText Ts = JsonEncodedText.Encode("ts");
    private static readonly JsonEncodedText Top = JsonEncodedText.Encode("top");
    private static readonly JsonEncodedText Added = JsonEncodedText.Encode("added");
    private static readonly JsonEncodedText Removed = JsonEncodedText.Encode("removed");
    private static readonly JsonEncodedText Forgotten = JsonEncodedText.Encode("forgotten");
    private static readonly JsonEncodedText RoomId = JsonEncodedText.Encode("room_id");
    private static readonly JsonEncodedText Rank = JsonEncodedText.Encode("rank");
    private static readonly JsonEncodedText Score = JsonEncodedText.Encode("score");
    private static readonly JsonEncodedText Why = JsonEncodedText.Encode("why");
    private static readonly JsonEncodedText Feature = JsonEncodedText.Encode("feature");
    private static readonly JsonEncodedText Value = JsonEncodedText.Encode("value");
    private static readonly JsonEncodedText Contribution = JsonEncodedText.Encode("contribution");

    [ThreadStatic]
    private static (ArrayBufferWriter<byte> Buffer, Utf8JsonWriter Writer)? _scratch;

    /// <param name="writer">Where the object goes (its encoder escapes the strings, as the serializer's would).</param>
    /// <param name="delta">The delta.</param>
    public static void Write(Utf8JsonWriter writer, RecommendationDelta delta)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(delta);
        writer.WriteStartObject();
        writer.WriteString(UserId, delta.UserId);
        writer.WriteNumber(Seq, delta.Seq);
        writer.WriteNumber(Ts, delta.Ts);
        // Indexed, not foreach: an interface enumerator is an allocation per list, three or more per delta.
        writer.WriteStartArray(Top);
        var top = delta.Top;
        for (var i = 0; i < top.Count; i++)
        {
            var room = top[i];
            writer.WriteStartObject();
            writer.WriteString(RoomId, room.RoomId);
            writer.WriteNumber(Rank, room.Rank);
            writer.WritePropertyName(Score);
            WriteScore(writer, room.Score);
            if (room.Why is { } why)
            {
                writer.WriteStartArray(Why);
                for (var j = 0; j < why.Count; j++)
                {
                    var part = why[j];
                    writer.WriteStartObject();
                    writer.WriteString(Feature, part.Feature);
                    writer.WriteNumber(Value, part.Value);
                    writer.WriteNumber(Contribution, part.Contribution);
                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        WriteStrings(writer, Added, delta.Added);
        WriteStrings(writer, Removed, delta.Removed);
        if (delta.Forgotten)
        {
            writer.WriteBoolean(Forgotten, true);
        }

        writer.WriteEndObject();
    }

    /// <summary>The delta's JSON in a new array (a Kafka message value); the scratch buffer is the calling thread's.</summary>
    public static byte[] ToUtf8Bytes(RecommendationDelta delta)
    {
        var (buffer, writer) = _scratch ??= (new ArrayBufferWriter<byte>(1024), new Utf8JsonWriter(Stream.Null));
        buffer.ResetWrittenCount();
        writer.Reset(buffer);
        Write(writer, delta);
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteStrings(Utf8JsonWriter writer, JsonEncodedText name, IReadOnlyList<string> values)
    {
        writer.WriteStartArray(name);
        for (var i = 0; i < values.Count; i++)
        {
            writer.WriteStringValue(values[i]);
        }

        writer.WriteEndArray();
    }

    /// <summary>
    /// A double rounded to six decimals is the double nearest to that decimal (the rounding divides an integer by 10^6),
    /// and below 10^6 no other decimal with as few digits lies within its rounding interval: the shortest round-trip
    /// form is that decimal without trailing zeros. From 10^-4 up the runtime writes it without an exponent too. Zero
    /// (signed), smaller or larger magnitudes and unrounded values are left to the writer.
    /// </summary>
    internal static void WriteScore(Utf8JsonWriter writer, double score)
    {
        var magnitude = Math.Abs(score);
        if (!(magnitude is >= 1e-4 and < 1e6))
        {
            writer.WriteNumberValue(score);
            return;
        }

        var scaled = (long)Math.Round(magnitude * Scale);
        if (scaled / Scale != magnitude)
        {
            writer.WriteNumberValue(score);
            return;
        }

        Span<byte> text = stackalloc byte[24];
        var at = text.Length;
        var whole = scaled / (long)Scale;
        var fraction = (int)(scaled % (long)Scale);
        if (fraction != 0)
        {
            var digits = ScoreDigits;
            while (fraction % 10 == 0)
            {
                fraction /= 10;
                digits--;
            }

            for (var i = 0; i < digits; i++)
            {
                text[--at] = (byte)('0' + (fraction % 10));
                fraction /= 10;
            }

            text[--at] = (byte)'.';
        }

        do
        {
            text[--at] = (byte)('0' + (whole % 10));
            whole /= 10;
        }
        while (whole != 0);

        if (score < 0)
        {
            text[--at] = (byte)'-';
        }

        writer.WriteRawValue(text[at..], skipInputValidation: true);
    }
}
