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
