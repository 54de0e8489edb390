using System.Buffers;
using StreamRec.Pipeline.State;

namespace StreamRec.State.Tests.Support;

/// <summary>
/// A RocksDB store that owns its partition and directory, so the contract's factory can hand out a fresh
/// database per sample and have it closed and deleted when the sample disposes the store.
/// </summary>
public sealed class OwnedStore : IKeyValueStore
{
    private readonly TempDirectory _directory = new();
    private readonly RocksDbPartition _partition;
    private readonly RocksDbKeyValueStore _store;

    public OwnedStore(string name)
    {
        _partition = RocksDbPartition.Open(_directory.Options, 0);
        _store = _partition.OpenKeyValueStore(name);
    }

    public string Name => _store.Name;

    public long Count => _store.Count;

    public bool TryGet(ReadOnlySpan<byte> key, IBufferWriter<byte> value) => _store.TryGet(key, value);

    public void Put(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value) => _store.Put(key, value);

    public bool Delete(ReadOnlySpan<byte> key) => _store.Delete(key);

    public IEnumerable<KeyValuePair<byte[], byte[]>> All() => _store.All();

    public void Commit() => _store.Commit();

    public void Dispose()
    {
        _store.Dispose();
        _partition.Dispose();
        _directory.Dispose();
    }
}
