using System.Buffers;
using System.Buffers.Text;
using System.Text;
using System.Text.Json;

namespace StreamRec.Simulation;

/// <summary>
/// Writes logged events as the contract's JSON lines, byte for byte what <c>ContractJson</c> writes (property
/// order: the event's own fields, then the base records' up to <c>event_id</c> and <c>ts</c>), without building
/// records or strings. Every event ends in the same room-specific run of bytes, precomputed per room.
/// </summary>
internal sealed class JsonLineFormatter
{
    /// <summary>No line is longer (the longest, a purchase with 10-digit ids, is under 300 bytes).</summary>
    public const int MaxLineLength = 512;

    private static readonly StandardFormat Viewer = new('D', 6);
    private static readonly StandardFormat EventNumber = new('D', 9);

    private readonly RoomTable _rooms;
    private readonly byte[][] _roomId;
    private readonly byte[][] _tail;
    private readonly byte[][] _categories = [.. Vocabulary.Categories.Select(Encoding.UTF8.GetBytes)];

    // Escaped as the contract serializer escapes them (its default encoder writes non-ASCII as \uXXXX).
    private readonly byte[][] _comments = [.. Vocabulary.Comments.Select(c => JsonEncodedText.Encode(c).EncodedUtf8Bytes.ToArray())];

    public JsonLineFormatter(RoomTable rooms)
    {
        _rooms = rooms;
        _roomId = new byte[rooms.Count][];
        _tail = new byte[rooms.Count][];
        for (var r = 0; r < rooms.Count; r++)
        {
            _roomId[r] = Encoding.UTF8.GetBytes(WorldNames.Room(r));
            _tail[r] = Encoding.UTF8.GetBytes($"\"room_id\":\"{WorldNames.Room(r)}\",\"streamer_id\":\"{WorldNames.Streamer(rooms.StreamerOf(r))}\",\"event_id\":\"evt-");
        }
    }

    /// <summary>Writes event number <paramref name="number"/> (1-based) and a newline; returns the bytes written.</summary>
    public int Format(in WorldEvent e, long number, Span<byte> destination)
    {
        var line = new Line(destination);
        var room = e.Room;
        switch (e.Kind)
        {
            case WorldEventKind.Click:
                line.Append("{\"type\":\"click\","u8);
                AppendViewer(ref line, e.Subject);
                break;
            case WorldEventKind.Comment:
                line.Append("{\"type\":\"comment\",\"text\":\""u8);
                line.Append(_comments[e.Data]);
                line.Append("\","u8);
                AppendViewer(ref line, e.Subject);
                break;
            case WorldEventKind.Purchase:
                line.Append("{\"type\":\"purchase\",\"item_id\":\""u8);
                AppendItem(ref line, room, WorldEventData.PurchaseItem(e.Data));
                line.Append("\",\"price\":"u8);
                line.Append(4 + WorldEventData.PurchasePriceStep(e.Data));
                line.Append(".99,\"currency\":\"USD\",\"quantity\":"u8);
                line.Append(WorldEventData.PurchaseQuantity(e.Data));
                line.Append(","u8);
                AppendViewer(ref line, e.Subject);
                break;
            case WorldEventKind.RoomStart:
                line.Append("{\"type\":\"room_start\",\"category\":\""u8);
                line.Append(_categories[_rooms.CategoryOf(room)]);
                line.Append("\",\"title\":\""u8);
                AppendTitle(ref line, room, e.Data);
                line.Append("\","u8);
                break;
            case WorldEventKind.RoomUpdate:
                line.Append("{\"type\":\"room_update\",\"title\":\""u8);
                AppendTitle(ref line, room, e.Data);
                line.Append(": flash sale\",\"products\":[\""u8);
                AppendItem(ref line, room, WorldEventData.SessionProduct(e.Data));
                line.Append("\"],"u8);
                break;
            case WorldEventKind.RoomStop:
                line.Append("{\"type\":\"room_stop\","u8);
                break;
            default:
                throw new InvalidOperationException($"{e.Kind} is never logged.");
        }

        line.Append(_tail[room]);
        line.Append(number, EventNumber);
        line.Append("\",\"ts\":"u8);
        line.Append(e.Ts);
        line.Append("}\n"u8);
        return line.Length;
    }

    private static void AppendViewer(ref Line line, int viewer)
    {
        line.Append("\"user_id\":\"user-"u8);
        line.Append(viewer, Viewer);
        line.Append("\","u8);
    }

    private void AppendItem(ref Line line, int room, int item)
    {
        line.Append(_roomId[room]);
        line.Append("-item-"u8);
        line.Append(item);
    }

    private void AppendTitle(ref Line line, int room, int data)
    {
        line.Append(_categories[_rooms.CategoryOf(room)]);
        line.Append(" live #"u8);
        line.Append(WorldEventData.SessionNumber(data));
    }

    /// <summary>An append cursor over the caller's buffer.</summary>
    private ref struct Line(Span<byte> buffer)
    {
        private readonly Span<byte> _buffer = buffer;

        public int Length { get; private set; }

        public void Append(ReadOnlySpan<byte> bytes)
        {
            bytes.CopyTo(_buffer[Length..]);
            Length += bytes.Length;
        }

        public void Append(long value, StandardFormat format = default)
        {
            Utf8Formatter.TryFormat(value, _buffer[Length..], out var written, format);
            Length += written;
        }
    }
}
