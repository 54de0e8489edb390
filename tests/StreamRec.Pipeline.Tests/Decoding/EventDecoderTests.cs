using System.Text;
using StreamRec.Contracts.Events;
using StreamRec.Pipeline.Decoding;
using StreamRec.Pipeline.Ids;
using StreamRec.Pipeline.Tests.Support;

namespace StreamRec.Pipeline.Tests.Decoding;

public sealed class EventDecoderTests
{
    private static readonly long MinTs = new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
    private static readonly long MaxTs = Ev.T0 + 86_400_000;

    private readonly IdTables _ids = new();

    [Fact]
    public void TryDecode_Purchase_InternsIdsAndComputesAmount()
    {
        var ok = Decode("""{"type":"purchase","event_id":"e1","ts":1767636000000,"user_id":"u1","room_id":"r1","streamer_id":"s1","item_id":"i","price":12.5,"currency":"USD","quantity":2}""", out var record, out _);

        Assert.True(ok);
        Assert.Equal(EventKind.Purchase, record.Kind);
        Assert.Equal(Ev.T0, record.Ts);
        Assert.Equal("u1", _ids.Users.NameOf(record.User));
        Assert.Equal("r1", _ids.Rooms.NameOf(record.Room));
        Assert.Equal("s1", _ids.Streamers.NameOf(record.Streamer));
        Assert.Equal(25.0, record.Amount);
    }

    [Fact]
    public void TryDecode_EscapedIdsAndFieldsInAnyOrder_SameIdsAsPlain()
    {
        Assert.True(Decode("""{"type":"click","event_id":"e1","ts":1767636000000,"user_id":"u1","room_id":"r1","streamer_id":"s1"}""", out var plain, out _));
        Assert.True(Decode("""{"streamer_id":"s1","room_id":"\u0072\u0031","user_id":"u\u0031","ts":1767636000000,"\u0074ype":"click","event_id":"e2","extra":{"nested":[1,2]}}""", out var escaped, out var error), error.Message);

        Assert.Equal(plain with { }, escaped);
    }

    [Theory]
    [InlineData("{\"type\":\"click\"", DeadLetterReason.MalformedJson)]
    [InlineData("not json", DeadLetterReason.MalformedJson)]
    [InlineData("[1,2,3]", DeadLetterReason.NotAnObject)]
    [InlineData("{\"type\":\"click\",\"event_id\":\"e\",\"ts\":1767636000000,\"user_id\":\"u\",\"room_id\":\"r\",\"streamer_id\":\"s\"} trailing", DeadLetterReason.MalformedJson)]
    [InlineData("{\"event_id\":\"e\",\"ts\":1767636000000,\"user_id\":\"u\",\"room_id\":\"r\",\"streamer_id\":\"s\"}", DeadLetterReason.MissingField)]
    [InlineData("{\"type\":\"teleport\",\"event_id\":\"e\",\"ts\":1767636000000,\"room_id\":\"r\",\"streamer_id\":\"s\"}", DeadLetterReason.UnknownEventType)]
    [InlineData("{\"type\":\"click\",\"event_id\":\"e\",\"ts\":\"yesterday\",\"user_id\":\"u\",\"room_id\":\"r\",\"streamer_id\":\"s\"}", DeadLetterReason.WrongType)]
    [InlineData("{\"type\":\"click\",\"event_id\":\"e\",\"ts\":1767636000000.5,\"user_id\":\"u\",\"room_id\":\"r\",\"streamer_id\":\"s\"}", DeadLetterReason.WrongType)]
    [InlineData("{\"type\":\"click\",\"event_id\":\"e\",\"ts\":1767636000000,\"user_id\":42,\"room_id\":\"r\",\"streamer_id\":\"s\"}", DeadLetterReason.WrongType)]
    [InlineData("{\"type\":\"click\",\"event_id\":\"e\",\"ts\":1767636000000,\"user_id\":\"\",\"room_id\":\"r\",\"streamer_id\":\"s\"}", DeadLetterReason.MissingField)]
    [InlineData("{\"type\":\"click\",\"event_id\":\"e\",\"ts\":1767636000000,\"room_id\":\"r\",\"streamer_id\":\"s\"}", DeadLetterReason.MissingField)]
    [InlineData("{\"type\":\"comment\",\"event_id\":\"e\",\"ts\":1767636000000,\"user_id\":\"u\",\"room_id\":\"r\",\"streamer_id\":\"s\"}", DeadLetterReason.MissingField)]
    [InlineData("{\"type\":\"purchase\",\"event_id\":\"e\",\"ts\":1767636000000,\"user_id\":\"u\",\"room_id\":\"r\",\"streamer_id\":\"s\",\"item_id\":\"i\",\"price\":-1,\"currency\":\"USD\",\"quantity\":1}", DeadLetterReason.InvalidValue)]
    [InlineData("{\"type\":\"purchase\",\"event_id\":\"e\",\"ts\":1767636000000,\"user_id\":\"u\",\"room_id\":\"r\",\"streamer_id\":\"s\",\"item_id\":\"i\",\"price\":1,\"currency\":\"USD\",\"quantity\":0}", DeadLetterReason.InvalidValue)]
    [InlineData("{\"type\":\"room_start\",\"event_id\":\"e\",\"ts\":1767636000000,\"room_id\":\"r\",\"streamer_id\":\"s\",\"title\":\"t\"}", DeadLetterReason.MissingField)]
    [InlineData("{\"type\":\"click\",\"event_id\":\"e\",\"ts\":631152000000,\"user_id\":\"u\",\"room_id\":\"r\",\"streamer_id\":\"s\"}", DeadLetterReason.TimestampOutOfRange)]
    [InlineData("{\"type\":\"click\",\"event_id\":\"e\",\"ts\":7258118400000,\"user_id\":\"u\",\"room_id\":\"r\",\"streamer_id\":\"s\"}", DeadLetterReason.TimestampOutOfRange)]
    [InlineData("{\"type\":\"click\",\"event_id\":\"e\",\"ts\":-5,\"user_id\":\"u\",\"room_id\":\"r\",\"streamer_id\":\"s\"}", DeadLetterReason.TimestampOutOfRange)]
    public void TryDecode_BadInput_FailsWithReason(string json, string reason)
    {
        var ok = Decode(json, out _, out var error);

        Assert.False(ok);
        Assert.Equal(reason, error.Reason);
        Assert.False(string.IsNullOrWhiteSpace(error.Message));
    }

    [Fact]
    public void TryDecode_InvalidUtf8InString_FailsAsMalformed()
    {
        var bytes = Encoding.UTF8.GetBytes("""{"type":"click","event_id":"e","ts":1767636000000,"user_id":"uX","room_id":"r","streamer_id":"s"}""");
        bytes[Array.IndexOf(bytes, (byte)'X')] = 0xFF;

        var ok = new EventDecoder(_ids, 256, MinTs).TryDecode(bytes, MaxTs, out _, out var error);

        Assert.False(ok);
        Assert.Equal(DeadLetterReason.MalformedJson, error.Reason);
    }

    [Fact]
    public void TryDecode_IdLongerThanLimit_FailsAsInvalidValue()
    {
        var json = $$"""{"type":"click","event_id":"e","ts":1767636000000,"user_id":"{{new string('u', 300)}}","room_id":"r","streamer_id":"s"}""";

        var ok = Decode(json, out _, out var error);

        Assert.False(ok);
        Assert.Equal(DeadLetterReason.InvalidValue, error.Reason);
        Assert.Contains("user_id", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TryDecode_RoomUpdateWithHugeCategory_FailsAsInvalidValue()
    {
        var json = $$"""{"type":"room_update","event_id":"e","ts":1767636000000,"room_id":"r","streamer_id":"s","category":"{{new string('c', 2_000_000)}}"}""";

        var ok = Decode(json, out _, out var error);

        Assert.False(ok);
        Assert.Equal(DeadLetterReason.InvalidValue, error.Reason);
        Assert.Contains("category", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Intern_IdLongerThanTheStackBuffer_InternsAndNamesIt()
    {
        var name = new string('x', 100_000);

        var id = _ids.Rooms.Intern(Encoding.UTF8.GetBytes(name));

        Assert.Equal(name, _ids.Rooms.NameOf(id));
        Assert.Equal(id, _ids.Rooms.Intern(name));
    }

    private bool Decode(string json, out EventRecord record, out DecodeError error) =>
        new EventDecoder(_ids, 256, MinTs).TryDecode(Encoding.UTF8.GetBytes(json), MaxTs, out record, out error);
}
