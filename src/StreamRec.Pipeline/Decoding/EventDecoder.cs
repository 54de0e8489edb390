using System.Text.Json;
using StreamRec.Contracts.Events;
using StreamRec.Pipeline.Ids;

namespace StreamRec.Pipeline.Decoding;

/// <summary>
/// Parses and validates one JSON event with <see cref="Utf8JsonReader"/>. Known ids are interned without
/// allocating; unknown properties are ignored (the contracts allow optional additions).
/// </summary>
/// <remarks>Not thread-safe: one decoder per decoding stage, since it interns into the shared id tables.</remarks>
public sealed class EventDecoder
{
    private readonly IdTables _ids;
    private readonly int _maxIdBytes;
    private readonly long _minTs;

    /// <param name="ids">Where ids are interned.</param>
    /// <param name="maxIdBytes">Longest accepted id, in UTF-8 bytes.</param>
    /// <param name="minTs">Earliest plausible event time (ms).</param>
    public EventDecoder(IdTables ids, int maxIdBytes, long minTs)
    {
        _ids = ids;
        _maxIdBytes = maxIdBytes;
        _minTs = minTs;
    }

    /// <summary>
    /// Decodes <paramref name="json"/>; on failure returns false with the reason. Event times above
    /// <paramref name="maxTs"/> (the caller's "now" plus tolerated skew) are rejected as absurd.
    /// </summary>
    public bool TryDecode(ReadOnlySpan<byte> json, long maxTs, out EventRecord record, out DecodeError error)
    {
        record = default;
        Fields fields = default;
        try
        {
            if (!TryReadFields(json, ref fields, out error))
            {
                return false;
            }
        }
        catch (JsonException ex)
        {
            error = new(DeadLetterReason.MalformedJson, $"Malformed JSON: {ex.Message}");
            return false;
        }
        catch (InvalidOperationException ex)
        {
            // Utf8JsonReader reports invalid UTF-8 inside strings this way.
            error = new(DeadLetterReason.MalformedJson, $"Malformed JSON: {ex.Message}");
            return false;
        }

        return TryBuild(ref fields, maxTs, out record, out error);
    }

    private static bool TryReadFields(ReadOnlySpan<byte> json, ref Fields f, out DecodeError error)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 16 });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            error = new(DeadLetterReason.NotAnObject, "An event must be a JSON object.");
            return false;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var field = reader.ValueIsEscaped ? FieldOf(reader.GetString() ?? string.Empty) : FieldOf(reader.ValueSpan);
            reader.Read();
            if (!f.Set(field, ref reader, out error))
            {
                return false;
            }
        }

        if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
        {
            // Reading past the object must fail: trailing tokens mean this was not one event.
            error = new(DeadLetterReason.MalformedJson, "Unexpected content after the event object.");
            return false;
        }

        error = default;
        return true;
    }

    private bool TryBuild(ref Fields f, long maxTs, out EventRecord record, out DecodeError error)
    {
        record = default;
        if (f.Type.IsEmpty)
        {
            return Fail(DeadLetterReason.MissingField, "Missing field 'type'.", out error);
        }

        if (!TryKind(f.Type, out var kind))
        {
            return Fail(DeadLetterReason.UnknownEventType, $"Unknown event type '{Truncate(f.Type)}'.", out error);
        }

        if (!Require(f.EventId, "event_id", out error) || !RequireTs(ref f, maxTs, out error))
        {
            return false;
        }

        if (kind == EventKind.UserForget)
        {
            // Names only the user: no room or streamer is interned for it.
            if (!Require(f.UserId, "user_id", out error))
            {
                return false;
            }

            record = new EventRecord(kind, f.Ts, _ids.Users.Intern(f.UserId), -1, -1, -1, 0);
            return true;
        }

        if (!Require(f.RoomId, "room_id", out error) || !Require(f.StreamerId, "streamer_id", out error))
        {
            return false;
        }

        var user = -1;
        var category = -1;
        double amount = 0;
        var intent = false;
        switch (kind)
        {
            case EventKind.Click:
            case EventKind.Comment:
            case EventKind.Purchase:
                if (!Require(f.UserId, "user_id", out error))
                {
                    return false;
                }

                if (kind == EventKind.Comment && !f.Has(Field.Text))
                {
                    return Fail(DeadLetterReason.MissingField, "Missing field 'text'.", out error);
                }

                intent = kind == EventKind.Comment && CommentIntent.IsIntent(f.Text);

                if (kind == EventKind.Purchase && !TryPurchase(ref f, out amount, out error))
                {
                    return false;
                }

                user = _ids.Users.Intern(f.UserId);
                break;
            case EventKind.RoomStart:
                if (!Require(f.Category, "category", out error))
                {
                    return false;
                }

                if (!f.Has(Field.Title))
                {
                    return Fail(DeadLetterReason.MissingField, "Missing field 'title'.", out error);
                }

                category = _ids.Categories.Intern(f.Category);
                break;
            case EventKind.RoomUpdate:
                if (!f.Category.IsEmpty && !Require(f.Category, "category", out error))
                {
                    return false;
                }

                category = f.Category.IsEmpty ? -1 : _ids.Categories.Intern(f.Category);
                break;
            case EventKind.RoomStop:
            case EventKind.UserForget:
                break;
        }

        record = new EventRecord(kind, f.Ts, user, _ids.Rooms.Intern(f.RoomId), _ids.Streamers.Intern(f.StreamerId), category, amount, intent);
        error = default;
        return true;
    }

    private bool RequireTs(ref Fields f, long maxTs, out DecodeError error)
    {
        if (!f.Has(Field.Ts))
        {
            return Fail(DeadLetterReason.MissingField, "Missing field 'ts'.", out error);
        }

        if (f.Ts < _minTs || f.Ts > maxTs)
        {
            return Fail(DeadLetterReason.TimestampOutOfRange,
                $"Timestamp {f.Ts} is outside the plausible range [{_minTs}, {maxTs}] (ms since epoch).", out error);
        }

        error = default;
        return true;
    }

    private static bool TryPurchase(ref Fields f, out double amount, out DecodeError error)
    {
        amount = 0;
        if (!f.Has(Field.ItemId) || !f.Has(Field.Currency) || !f.Has(Field.Price) || !f.Has(Field.Quantity))
        {
            var missing = !f.Has(Field.ItemId) ? "item_id" : !f.Has(Field.Currency) ? "currency" : !f.Has(Field.Price) ? "price" : "quantity";
            return Fail(DeadLetterReason.MissingField, $"Missing field '{missing}'.", out error);
        }

        if (f.Price < 0 || !double.IsFinite(f.Price))
        {
            return Fail(DeadLetterReason.InvalidValue, $"Price must be a non-negative number, got {f.Price}.", out error);
        }

        if (f.Quantity < 1)
        {
            return Fail(DeadLetterReason.InvalidValue, $"Quantity must be at least 1, got {f.Quantity}.", out error);
        }

        amount = f.Price * f.Quantity;
        error = default;
        return true;
    }

    private bool Require(ReadOnlySpan<byte> value, string name, out DecodeError error)
    {
        if (value.IsEmpty)
        {
            return Fail(DeadLetterReason.MissingField, $"Missing or empty field '{name}'.", out error);
        }

        if (value.Length > _maxIdBytes)
        {
            return Fail(DeadLetterReason.InvalidValue, $"Field '{name}' is {value.Length} bytes; the limit is {_maxIdBytes}.", out error);
        }

        error = default;
        return true;
    }

    private static bool Fail(string reason, string message, out DecodeError error)
    {
        error = new(reason, message);
        return false;
    }

    private static string Truncate(ReadOnlySpan<byte> value)
    {
        var text = System.Text.Encoding.UTF8.GetString(value[..Math.Min(value.Length, 64)]);
        return value.Length > 64 ? text + "…" : text;
    }

    private static bool TryKind(ReadOnlySpan<byte> type, out EventKind kind)
    {
        kind = type switch
        {
            _ when type.SequenceEqual("click"u8) => EventKind.Click,
            _ when type.SequenceEqual("comment"u8) => EventKind.Comment,
            _ when type.SequenceEqual("purchase"u8) => EventKind.Purchase,
            _ when type.SequenceEqual("room_start"u8) => EventKind.RoomStart,
            _ when type.SequenceEqual("room_stop"u8) => EventKind.RoomStop,
            _ when type.SequenceEqual("room_update"u8) => EventKind.RoomUpdate,
            _ when type.SequenceEqual("user_forget"u8) => EventKind.UserForget,
            _ => (EventKind)255,
        };
        return kind != (EventKind)255;
    }

    private static Field FieldOf(ReadOnlySpan<byte> name) => name switch
    {
        _ when name.SequenceEqual("type"u8) => Field.Type,
        _ when name.SequenceEqual("event_id"u8) => Field.EventId,
        _ when name.SequenceEqual("ts"u8) => Field.Ts,
        _ when name.SequenceEqual("user_id"u8) => Field.UserId,
        _ when name.SequenceEqual("room_id"u8) => Field.RoomId,
        _ when name.SequenceEqual("streamer_id"u8) => Field.StreamerId,
        _ when name.SequenceEqual("text"u8) => Field.Text,
        _ when name.SequenceEqual("item_id"u8) => Field.ItemId,
        _ when name.SequenceEqual("price"u8) => Field.Price,
        _ when name.SequenceEqual("currency"u8) => Field.Currency,
        _ when name.SequenceEqual("quantity"u8) => Field.Quantity,
        _ when name.SequenceEqual("category"u8) => Field.Category,
        _ when name.SequenceEqual("title"u8) => Field.Title,
        _ when name.SequenceEqual("products"u8) => Field.Products,
        _ => Field.Unknown,
    };

    private static Field FieldOf(string name) => FieldOf(System.Text.Encoding.UTF8.GetBytes(name));

    private enum Field
    {
        Unknown,
        Type,
        EventId,
        Ts,
        UserId,
        RoomId,
        StreamerId,
        Text,
        ItemId,
        Price,
        Currency,
        Quantity,
        Category,
        Title,
        Products,
    }

    /// <summary>The raw fields of one event; spans point into the record or into escaped copies.</summary>
    private ref struct Fields
    {
        public ReadOnlySpan<byte> Type;
        public ReadOnlySpan<byte> EventId;
        public ReadOnlySpan<byte> UserId;
        public ReadOnlySpan<byte> RoomId;
        public ReadOnlySpan<byte> StreamerId;
        public ReadOnlySpan<byte> Category;
        public ReadOnlySpan<byte> Text;
        public long Ts;
        public double Price;
        public int Quantity;
        private int _seen;

        public readonly bool Has(Field field) => (_seen & (1 << (int)field)) != 0;

        public bool Set(Field field, ref Utf8JsonReader reader, out DecodeError error)
        {
            error = default;
            switch (field)
            {
                case Field.Unknown:
                    reader.Skip();
                    return true;
                case Field.Ts:
                    if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out Ts))
                    {
                        return Wrong("ts", "an integer (ms since epoch)", ref reader, out error);
                    }

                    break;
                case Field.Price:
                    if (reader.TokenType != JsonTokenType.Number || !reader.TryGetDouble(out Price))
                    {
                        return Wrong("price", "a number", ref reader, out error);
                    }

                    break;
                case Field.Quantity:
                    if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out Quantity))
                    {
                        return Wrong("quantity", "an integer", ref reader, out error);
                    }

                    break;
                case Field.Products:
                    if (reader.TokenType != JsonTokenType.StartArray)
                    {
                        return Wrong("products", "an array of strings", ref reader, out error);
                    }

                    while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    {
                        if (reader.TokenType != JsonTokenType.String)
                        {
                            return Wrong("products", "an array of strings", ref reader, out error);
                        }
                    }

                    break;
                default:
                    if (reader.TokenType != JsonTokenType.String)
                    {
                        return Wrong(NameOf(field), "a string", ref reader, out error);
                    }

                    var value = reader.ValueIsEscaped ? Unescape(ref reader) : reader.ValueSpan;

                    // The reader checks structure, not the UTF-8 inside raw string values; ids must be text.
                    if (!System.Text.Unicode.Utf8.IsValid(value))
                    {
                        error = new(DeadLetterReason.MalformedJson, $"Field '{NameOf(field)}' is not valid UTF-8.");
                        return false;
                    }

                    switch (field)
                    {
                        case Field.Type: Type = value; break;
                        case Field.EventId: EventId = value; break;
                        case Field.UserId: UserId = value; break;
                        case Field.RoomId: RoomId = value; break;
                        case Field.StreamerId: StreamerId = value; break;
                        case Field.Category: Category = value; break;
                        case Field.Text: Text = value; break;
                        default: break;
                    }

                    break;
            }

            _seen |= 1 << (int)field;
            return true;
        }

        private static ReadOnlySpan<byte> Unescape(scoped ref Utf8JsonReader reader)
        {
            var buffer = new byte[reader.ValueSpan.Length];
            var written = reader.CopyString(buffer);
            return buffer.AsSpan(0, written);
        }

        private static bool Wrong(string name, string expected, ref Utf8JsonReader reader, out DecodeError error)
        {
            error = new(DeadLetterReason.WrongType, $"Field '{name}' must be {expected}, got {reader.TokenType}.");
            return false;
        }

        private static string NameOf(Field field) => field switch
        {
            Field.EventId => "event_id",
            Field.UserId => "user_id",
            Field.RoomId => "room_id",
            Field.StreamerId => "streamer_id",
            Field.ItemId => "item_id",
            _ => field.ToString().ToLowerInvariant(),
        };
    }
}
