using System.Text;
using System.Text.Json.Nodes;

namespace StreamRec.Kafka.IntegrationTests.Support;

/// <summary>Bad input records of every kind the pipeline must dead-letter, derived from valid lines of a log.</summary>
internal static class Fuzz
{
    /// <summary><paramref name="count"/> messages, each certainly invalid, with keys that are null, text or binary.</summary>
    public static List<(byte[]? Key, byte[]? Value)> Messages(Random random, IReadOnlyList<string> validLines, int count)
    {
        var messages = new List<(byte[]? Key, byte[]? Value)>(count);
        for (var i = 0; i < count; i++)
        {
            var line = validLines[random.Next(validLines.Count)];
            byte[]? key = (i % 3) switch
            {
                0 => null,
                1 => Encoding.UTF8.GetBytes($"k{i}"),
                _ => [0xff, (byte)i, 0xfe],
            };
            messages.Add((key, Value(random, line, i % 11)));
        }

        return messages;
    }

    private static byte[]? Value(Random random, string line, int kind)
    {
        var json = JsonNode.Parse(line)!.AsObject();
        switch (kind)
        {
            case 0: // truncated JSON
                return Encoding.UTF8.GetBytes(line[..random.Next(1, line.Length - 1)]);
            case 1: // wrong types
                json["ts"] = "soon";
                return Bytes(json);
            case 2: // a required field missing
                json.Remove("event_id");
                return Bytes(json);
            case 3: // an unknown type
                json["type"] = "teleport";
                return Bytes(json);
            case 4: // empty
                return [];
            case 5: // a tombstone
                return null;
            case 6: // not UTF-8
                return [0xc3, 0x28, 0xa0, 0xa1, (byte)'{', 0xff];
            case 7: // 1970
                json["ts"] = 1_000;
                return Bytes(json);
            case 8: // the year 3000
                json["ts"] = 32_503_680_000_000;
                return Bytes(json);
            case 9: // a negative price
                return Encoding.UTF8.GetBytes(
                    $$"""{"type":"purchase","event_id":"fz","ts":{{json["ts"]}},"user_id":"u","room_id":"r","streamer_id":"s","item_id":"p","price":-5,"currency":"CNY","quantity":1}""");
            default: // not an object
                return Encoding.UTF8.GetBytes($"[{json["ts"]}]");
        }
    }

    private static byte[] Bytes(JsonObject json) => Encoding.UTF8.GetBytes(json.ToJsonString());
}
