using System.Security.Cryptography;
using System.Text;
using StreamRec.Contracts.Outputs;
using StreamRec.Kafka.Producing;

namespace StreamRec.Kafka.Tests.Producing;

public sealed class DeadLetterHeadersTests
{
    [Fact]
    public void ToMessage_KafkaOrigin_HasStreamsErrorHeadersAndRawTextAsValue()
    {
        var letter = new DeadLetter { Reason = "malformed_json", Message = "Unexpected end.", Source = "live.clicks[3]@1234", Raw = "{\"type\":" };

        var message = DeadLetterHeaders.ToMessage(letter);

        Assert.Null(message.Key);
        Assert.Equal("{\"type\":"u8.ToArray(), message.Value);
        Assert.Equal("malformed_json", Header(message, DeadLetterHeaders.Exception));
        Assert.Equal("Unexpected end.", Header(message, DeadLetterHeaders.Message));
        Assert.Equal("live.clicks", Header(message, DeadLetterHeaders.Topic));
        Assert.Equal("3", Header(message, DeadLetterHeaders.Partition));
        Assert.Equal("1234", Header(message, DeadLetterHeaders.Offset));
    }

    [Fact]
    public void ToMessage_BinaryRecord_ValueIsOriginalBytes()
    {
        byte[] original = [0xff, 0xfe, 0x00, 0x7b];
        var letter = new DeadLetter { Reason = "malformed_json", Message = "Invalid UTF-8.", Source = "t[0]@0", RawBase64 = Convert.ToBase64String(original) };

        Assert.Equal(original, DeadLetterHeaders.ToMessage(letter).Value);
    }

    [Fact]
    public void ToMessage_FileOrigin_PutsSourceInTopicHeaderWithoutPartitionOrOffset()
    {
        var letter = new DeadLetter { Reason = "empty_record", Message = "Empty record.", Source = "log.jsonl:17", Raw = string.Empty };

        var message = DeadLetterHeaders.ToMessage(letter);

        Assert.Equal("log.jsonl:17", Header(message, DeadLetterHeaders.Topic));
        Assert.False(message.Headers.TryGetLastBytes(DeadLetterHeaders.Offset, out _));
    }

    [Fact]
    public void ToMessage_KeyedRecord_KeepsOriginalKeyTextOrBytes()
    {
        byte[] binaryKey = [0x00, 0xff, 0x10];
        var text = new DeadLetter { Reason = "malformed_json", Message = "m", Source = "t[0]@1", Raw = "{", Key = "user-7" };
        var binary = new DeadLetter { Reason = "malformed_json", Message = "m", Source = "t[0]@2", Raw = "{", KeyBase64 = Convert.ToBase64String(binaryKey) };

        Assert.Equal("user-7"u8.ToArray(), DeadLetterHeaders.ToMessage(text).Key);
        Assert.Equal(binaryKey, DeadLetterHeaders.ToMessage(binary).Key);
    }

    [Fact]
    public void ToMessage_Tombstone_ValueStaysNullNotEmpty()
    {
        var letter = new DeadLetter { Reason = "empty_record", Message = "Null value (tombstone).", Source = "live.clicks[1]@5", Key = "user-1", Tombstone = true };

        var message = DeadLetterHeaders.ToMessage(letter);

        Assert.Null(message.Value);
        Assert.Equal("user-1"u8.ToArray(), message.Key);
    }

    [Fact]
    public void ToMessage_ValueOverTheLimit_CutToFitWithOriginalSizeAndSha256Headers()
    {
        const int Limit = 16 * 1024;
        var original = new byte[2 * 1024 * 1024];
        new Random(7).NextBytes(original);
        var letter = new DeadLetter { Reason = "oversized_payload", Message = "Record is 2097152 bytes.", Source = "live.clicks[0]@9", RawBase64 = Convert.ToBase64String(original), Key = "u" };

        var message = DeadLetterHeaders.ToMessage(letter, Limit);

        var size = message.Value!.Length + message.Key!.Length + message.Headers.Sum(h => h.Key.Length + h.GetValueBytes().Length);
        Assert.True(size <= Limit, $"message of {size} bytes over the {Limit} limit");
        Assert.True(message.Value.Length > Limit / 2, $"only {message.Value.Length} bytes kept");
        Assert.Equal(original.AsSpan(0, message.Value.Length).ToArray(), message.Value);
        Assert.Equal("2097152", Header(message, DeadLetterHeaders.OriginalBytes));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(original)), Header(message, DeadLetterHeaders.OriginalSha256));
    }

    [Fact]
    public void ToMessage_PrefixKeptUpstream_ReportsTheSourcesSizeAndHashUntouched()
    {
        var letter = new DeadLetter
        {
            Reason = "oversized_payload", Message = "m", Source = "live.clicks[0]@9", Raw = "{\"type\":\"cl",
            OriginalBytes = 3_000_000, OriginalSha256 = new string('a', 64),
        };

        var message = DeadLetterHeaders.ToMessage(letter);

        Assert.Equal("{\"type\":\"cl"u8.ToArray(), message.Value);
        Assert.Equal("3000000", Header(message, DeadLetterHeaders.OriginalBytes));
        Assert.Equal(new string('a', 64), Header(message, DeadLetterHeaders.OriginalSha256));
    }

    [Fact]
    public void ToMessage_WholeRecordWithinTheLimit_HasNoOriginalHeaders()
    {
        var letter = new DeadLetter { Reason = "malformed_json", Message = "m", Source = "t[0]@0", Raw = new string('x', 50_000) };

        var message = DeadLetterHeaders.ToMessage(letter);

        Assert.Equal(50_000, message.Value!.Length);
        Assert.False(message.Headers.TryGetLastBytes(DeadLetterHeaders.OriginalBytes, out _));
    }

    [Theory]
    [InlineData("live.clicks[0]@0", true, "live.clicks", 0, 0L)]
    [InlineData("a.b-c_d[12]@9876543210", true, "a.b-c_d", 12, 9876543210L)]
    [InlineData("log.jsonl:17", false, "", -1, -1L)]
    [InlineData("[1]@2", false, "", -1, -1L)]
    [InlineData("t[x]@2", false, "", -1, -1L)]
    [InlineData("t[1]@-2", false, "", -1, -1L)]
    public void TryParseKafkaSource_VariousSources_ParsesOnlyTopicPartitionOffset(string source, bool ok, string topic, int partition, long offset)
    {
        Assert.Equal(ok, DeadLetterHeaders.TryParseKafkaSource(source, out var parsedTopic, out var parsedPartition, out var parsedOffset));
        Assert.Equal((topic, partition), (parsedTopic, parsedPartition));
        if (ok)
        {
            Assert.Equal(offset, parsedOffset);
        }
    }

    private static string Header(Confluent.Kafka.Message<byte[]?, byte[]?> message, string name) =>
        Encoding.UTF8.GetString(message.Headers.GetLastBytes(name));
}
