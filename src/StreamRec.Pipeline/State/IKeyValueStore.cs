using System.Buffers;

namespace StreamRec.Pipeline.State;

/// <summary>
/// Byte keys to byte values, shaped like Kafka Streams' <c>KeyValueStore&lt;Bytes, byte[]&gt;</c>. Keys are
/// external ids (so a store can be restored on another instance); values are encoded by their owner.
/// Not thread-safe: one partition owns a store and is its only reader and writer.
/// </summary>
public interface IKeyValueStore : IStateStore
{
    /// <summary>Number of keys held.</summary>
    long Count { get; }

    /// <summary>
    /// Appends the value of <paramref name="key"/> to <paramref name="value"/> and returns true, or returns false
    /// when the key is absent. The caller owns the writer; the store keeps no reference to it.
    /// </summary>
    bool TryGet(ReadOnlySpan<byte> key, IBufferWriter<byte> value);

    /// <summary>Inserts or replaces; the store copies both spans, so callers may reuse their buffers.</summary>
    void Put(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value);

    /// <summary>Removes the key; returns false when it was absent.</summary>
    bool Delete(ReadOnlySpan<byte> key);

    /// <summary>Every entry as copies, in no particular order (restore, export and tests; not the hot path).</summary>
    IEnumerable<KeyValuePair<byte[], byte[]>> All();
}
