using System.Text.Json;
using StreamRec.Kafka.Options;

namespace StreamRec.Kafka.Producing;

/// <summary>
/// Where one input line goes: room events to the rooms topic keyed by <c>room_id</c>, user events to their
/// topic keyed by <c>user_id</c>, with the event's <c>ts</c> as message timestamp. A line whose type cannot
/// be read is unroutable; it still goes to the clicks topic, unkeyed, so the pipeline dead-letters it with
/// its reason instead of it vanishing here.
/// </summary>
public readonly record struct EventRoute(string Topic, byte[]? Key, long? Timestamp, bool Routable)
{
    public static EventRoute Of(ReadOnlySpan<byte> json, KafkaTopics topics)
    {
        ArgumentNullException.ThrowIfNull(topics);
        string? type = null;
        byte[]? user = null;
        byte[]? room = null;
        long? ts = null;
        try
        {
            var reader = new Utf8JsonReader(json);
            if (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
            {
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var name = reader.ValueSpan;
                    var isType = name.SequenceEqual("type"u8);
                    var isUser = name.SequenceEqual("user_id"u8);
                    var isRoom = name.SequenceEqual("room_id"u8);
                    var isTs = name.SequenceEqual("ts"u8);
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.String && (isType || isUser || isRoom))
                    {
                        var value = reader.GetString()!;
                        if (isType)
                        {
                            type = value;
                        }
                        else if (isUser)
                        {
                            user = System.Text.Encoding.UTF8.GetBytes(value);
                        }
                        else
                        {
                            room = System.Text.Encoding.UTF8.GetBytes(value);
                        }
                    }
                    else if (isTs && reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var value))
                    {
                        ts = value;
                    }
                    else
                    {
                        reader.Skip();
                    }
                }
            }
        }
        catch (JsonException)
        {
            // Malformed: routed as unroutable below; the pipeline names the exact problem.
        }

        var timestamp = ts > 0 ? ts : null;
        return type switch
        {
            "click" when user is not null => new(topics.Clicks, user, timestamp, true),
            "comment" when user is not null => new(topics.Comments, user, timestamp, true),
            "purchase" when user is not null => new(topics.Purchases, user, timestamp, true),

            // Keyed by the user on a topic co-partitioned with the user's events: it reaches the partition holding the user's state.
            "user_forget" when user is not null => new(topics.Privacy, user, timestamp, true),
            "room_start" or "room_stop" or "room_update" when room is not null => new(topics.Rooms, room, timestamp, true),
            _ => new(topics.Clicks, null, timestamp, false),
        };
    }
}
