using System.Globalization;
using System.Text;
using Confluent.Kafka;
using StreamRec.Contracts.Outputs;

namespace StreamRec.Kafka.Producing;

/// <summary>
/// Turns a dead letter into a DLQ message the way Kafka Streams does (KIP-1034): the original bytes as
/// value and the error context in <c>__streams.errors.*</c> headers, so Kafka Streams tooling can read it.
/// </summary>
public static class DeadLetterHeaders
{
    /// <summary>The reason code (e.g. <c>malformed_json</c>); Kafka Streams puts the exception class here.</summary>
    public const string Exception = "__streams.errors.exception";

    public const string Message = "__streams.errors.message";

    public const string Topic = "__streams.errors.topic";

    public const string Partition = "__streams.errors.partition";

    public const string Offset = "__streams.errors.offset";

    /// <summary>Builds the DLQ message; headers hold UTF-8 text, partition and offset in decimal.</summary>
    public static Message<byte[]?, byte[]?> ToMessage(DeadLetter letter)
    {
        ArgumentNullException.ThrowIfNull(letter);
        var value = letter.Raw is { } raw ? Encoding.UTF8.GetBytes(raw)
            : letter.RawBase64 is { } base64 ? System.Convert.FromBase64String(base64)
            : [];
        var headers = new Headers
        {
            { Exception, Encoding.UTF8.GetBytes(letter.Reason) },
            { Message, Encoding.UTF8.GetBytes(letter.Message) },
        };
        if (TryParseKafkaSource(letter.Source, out var topic, out var partition, out var offset))
        {
            headers.Add(Topic, Encoding.UTF8.GetBytes(topic));
            headers.Add(Partition, Encoding.UTF8.GetBytes(partition.ToString(CultureInfo.InvariantCulture)));
            headers.Add(Offset, Encoding.UTF8.GetBytes(offset.ToString(CultureInfo.InvariantCulture)));
        }
        else
        {
            headers.Add(Topic, Encoding.UTF8.GetBytes(letter.Source));
        }

        return new Message<byte[]?, byte[]?> { Key = null, Value = value, Headers = headers };
    }

    /// <summary>Reads <c>topic[partition]@offset</c>, the form of a Kafka record's origin; topic names cannot hold brackets.</summary>
    public static bool TryParseKafkaSource(string source, out string topic, out int partition, out long offset)
    {
        ArgumentNullException.ThrowIfNull(source);
        topic = string.Empty;
        partition = -1;
        offset = -1;
        var open = source.LastIndexOf('[');
        var close = source.LastIndexOf("]@", StringComparison.Ordinal);
        if (open <= 0 || close < open
            || !int.TryParse(source.AsSpan(open + 1, close - open - 1), NumberStyles.None, CultureInfo.InvariantCulture, out partition)
            || !long.TryParse(source.AsSpan(close + 2), NumberStyles.None, CultureInfo.InvariantCulture, out offset))
        {
            partition = -1;
            return false;
        }

        topic = source[..open];
        return true;
    }
}
