using System.Buffers;
using System.Text.Json;

namespace StreamRec.Simulation;

/// <summary>
/// Writes a <see cref="VisitTruth"/> as one JSON line keyed by the event id of the click it belongs to:
/// <c>{"event_id","user_id","room_id","rank","p","sum_p2","live","drifted","notified","top10":[room ids]}</c>.
/// </summary>
internal sealed class TruthLineFormatter : IDisposable
{
    private readonly ArrayBufferWriter<byte> _buffer = new(1024);
    private readonly Utf8JsonWriter _writer;

    public TruthLineFormatter() => _writer = new Utf8JsonWriter(_buffer);

    public void Dispose() => _writer.Dispose();

    /// <summary>Appends the line of the click numbered <paramref name="eventNumber"/> (1-based, as in its event id) to <paramref name="destination"/>.</summary>
    public void Write(in VisitTruth truth, long eventNumber, Stream destination)
    {
        _buffer.ResetWrittenCount();
        _writer.Reset(_buffer);
        _writer.WriteStartObject();
        _writer.WriteString("event_id"u8, WorldNames.Event(eventNumber));
        _writer.WriteString("user_id"u8, WorldNames.Viewer(truth.Viewer));
        _writer.WriteString("room_id"u8, WorldNames.Room(truth.Room));
        _writer.WriteNumber("rank"u8, truth.Rank);
        _writer.WriteNumber("p"u8, truth.Probability);
        _writer.WriteNumber("sum_p2"u8, truth.SumSquares);
        _writer.WriteNumber("live"u8, truth.LiveRooms);
        _writer.WriteBoolean("drifted"u8, truth.Drifted);
        _writer.WriteBoolean("notified"u8, truth.Notified);
        _writer.WriteStartArray("top10"u8);
        for (var i = 0; i < truth.Listed; i++)
        {
            _writer.WriteStringValue(WorldNames.Room(truth.Top[i]));
        }

        _writer.WriteEndArray();
        _writer.WriteEndObject();
        _writer.Flush();
        destination.Write(_buffer.WrittenSpan);
        destination.WriteByte((byte)'\n');
    }
}
