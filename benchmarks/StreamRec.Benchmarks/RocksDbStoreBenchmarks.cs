using System.Buffers;
using System.Text;
using BenchmarkDotNet.Attributes;
using StreamRec.Pipeline.Batches;
using StreamRec.Pipeline.State;
using StreamRec.State;

namespace StreamRec.Benchmarks;

/// <summary>
/// The RocksDB user store's get and put at the sizes the pipeline uses, beside <see cref="StoreBenchmarks"/>'
/// in-memory figures. A put is measured inside a unit of work of <see cref="UnitOfWork"/> puts and carries its
/// share of the commit, since a put is only durable once its batch is written.
/// </summary>
public class RocksDbStoreBenchmarks : IDisposable
{
    private const int Keys = 100_000;

    /// <summary>The pipeline's default batch size: at most this many users change between two commits.</summary>
    private const int UnitOfWork = 4096;

    private readonly ArrayBufferWriter<byte> _read = new(512);
    private string _directory = string.Empty;
    private RocksDbPartition _partition = null!;
    private RocksDbKeyValueStore _store = null!;
    private byte[][] _keys = [];
    private byte[] _value = [];
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        var user = new UserState(32, 8, 14);
        var random = new Random(3);
        for (var i = 0; i < 32; i++)
        {
            user.Interest[i] = (float)random.NextDouble();
        }

        for (var s = 0; s < 4; s++)
        {
            user.Engage(100 + s, 1_767_636_000_000 + s, TimeSpan.FromDays(2), 1 + s);
        }

        user.InterestTs = 1_767_636_000_010;
        user.SetRanked([.. Enumerable.Range(0, 14).Select(r => new ScoredRoom(r * 7, 1f / (r + 1)))]);
        var encoded = new byte[UserStateCodec.MaxSize(32, 8, 14)];
        _value = encoded[..UserStateCodec.Encode(user, encoded)];
        _keys = [.. Enumerable.Range(0, Keys).Select(i => Encoding.UTF8.GetBytes($"user-{i:D7}"))];

        _directory = Path.Combine(Path.GetTempPath(), "streamrec-bench-rocksdb-" + Guid.NewGuid().ToString("N"));
        _partition = RocksDbPartition.Open(new RocksDbStoreOptions { Directory = _directory }, 0);
        _store = _partition.OpenKeyValueStore("users");
        foreach (var key in _keys)
        {
            _store.Put(key, _value);
        }

        _store.Commit();
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _store?.Dispose();
        _partition?.Dispose();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }

        GC.SuppressFinalize(this);
    }

    [Benchmark]
    public bool Get()
    {
        _read.ResetWrittenCount();
        return _store.TryGet(_keys[_next++ % Keys], _read);
    }

    [Benchmark(OperationsPerInvoke = UnitOfWork)]
    public void Put()
    {
        for (var i = 0; i < UnitOfWork; i++)
        {
            _store.Put(_keys[_next++ % Keys], _value);
        }

        _store.Commit();
    }
}
