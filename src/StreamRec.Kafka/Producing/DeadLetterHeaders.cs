using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Confluent.Kafka;
using StreamRec.Contracts.Outputs;

namespace StreamRec.Kafka.Producing;

/// <summary>
/// Turns a dead letter into a DLQ message the way Kafka Streams does (KIP-1034): the original bytes as
/// value, under the original key, and the error context in <c>__streams.errors.*</c> headers, so Kafka Streams
/// tooling can read it.
/// </summary>
public static class DeadLetterHeaders
{
    /// <summary>The reason code (e.g. <c>malformed_json</c>); Kafka Streams puts the exception class here.</summary>
    public const string Exception = "__streams.errors.exception";

    public const string Message = "__streams.errors.message";

    public const string Topic = "__streams.errors.topic";

    public const string Partition = "__streams.errors.partition";

    public const string Offset = "__streams.errors.offset";

    /// <summary>Size of the whole record, in decimal, when the value holds only a prefix of it.</summary>
    public const string OriginalBytes = "streamrec.original.bytes";

    /// <summary>SHA-256 (hex) of the whole record, when the value holds only a prefix of it and the hash is known.</summary>
    public const string OriginalSha256 = "streamrec.original.sha256";

    /// <summary>librdkafka's default <c>message.max.bytes</c>, below Kafka's default topic limit (1 MiB + 12).</summary>
    public const int DefaultMaxMessageBytes = 1_000_000;

    // Record and batch framing librdkafka counts against message.max.bytes, with room to spare.
    private const int FramingBytes = 512;

    /// <summary>
    /// Builds the DLQ message: the original key, the original value (null for a tombstone), headers as UTF-8
    /// text, partition and offset in decimal. A value that would make the message exceed
    /// <paramref name="maxMessageBytes"/> is cut to fit, and the original's size and hash go in headers, so a
    /// huge record is dead-lettered instead of failing the producer.
    /// </summary>
    public static Message<byte[]?, byte[]?> ToMessage(DeadLetter letter, int maxMessageBytes = DefaultMaxMessageBytes)
    {
        ArgumentNullException.ThrowIfNull(letter);
        var value = letter.Tombstone ? null
            : letter.Raw is { } raw ? Encoding.UTF8.GetBytes(raw)
            : letter.RawBase64 is { } base64 ? System.Convert.FromBase64String(base64)
            : [];
        var key = letter.Key is { } text ? Encoding.UTF8.GetBytes(text)
            : letter.KeyBase64 is { } keyBase64 ? System.Convert.FromBase64String(keyBase64)
            : null;
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

        var originalBytes = letter.OriginalBytes;
        var originalSha256 = letter.OriginalSha256;
        var room = maxMessageBytes - FramingBytes - (key?.Length ?? 0) - HeaderBytes(headers) - 128;
        if (value is not null && value.Length > room)
        {
            // Only a value that is still the whole record can be hashed as the original.
            originalSha256 ??= originalBytes is null ? System.Convert.ToHexStringLower(SHA256.HashData(value)) : null;
            originalBytes ??= value.Length;
            value = value.AsSpan(0, Math.Max(0, room)).ToArray();
        }

        if (originalBytes is { } size)
        {
            headers.Add(OriginalBytes, Encoding.UTF8.GetBytes(size.ToString(CultureInfo.InvariantCulture)));
            if (originalSha256 is not null)
            {
                headers.Add(OriginalSha256, Encoding.UTF8.GetBytes(originalSha256));
            }
        }

        return new Message<byte[]?, byte[]?> { Key = key, Value = value, Headers = headers };
    }

    private static int HeaderBytes(Headers headers)
    {
        var total = 0;
        foreach (var header in headers)
        {
            total += Encoding.UTF8.GetByteCount(header.Key) + (header.GetValueBytes()?.Length ?? 0) + 16;
        }

        return total;
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
