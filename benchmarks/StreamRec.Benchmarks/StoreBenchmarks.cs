using System.Buffers;
using System.Text;
using BenchmarkDotNet.Attributes;
using StreamRec.Pipeline.Batches;
using StreamRec.Pipeline.State;

namespace StreamRec.Benchmarks;

/// <summary>The user store's get and put, and the user state codec, at the sizes the pipeline uses.</summary>
public class StoreBenchmarks : IDisposable
{
    private const int Keys = 100_000;
    private readonly ArrayBufferWriter<byte> _read = new(512);
    private InMemoryKeyValueStore _store = null!;
    private byte[][] _keys = [];
    private byte[] _value = [];
    private UserState _user = null!;
    private byte[] _encoded = [];
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        _user = new UserState(32, 8, 14);
        var random = new Random(3);
        for (var i = 0; i < 32; i++)
        {
            _user.Interest[i] = (float)random.NextDouble();
        }

        for (var s = 0; s < 4; s++)
        {
            _user.Engage(100 + s, 1_767_636_000_000 + s, TimeSpan.FromDays(2), 1 + s);
        }

        _user.InterestTs = 1_767_636_000_010;
        _user.SetRanked([.. Enumerable.Range(0, 14).Select(r => new ScoredRoom(r * 7, 1f / (r + 1)))]);
        _encoded = new byte[UserStateCodec.MaxSize(32, 8, 14)];
        _value = _encoded[..UserStateCodec.Encode(_user, _encoded)];
        _keys = [.. Enumerable.Range(0, Keys).Select(i => Encoding.UTF8.GetBytes($"user-{i:D7}"))];
        _store = new InMemoryKeyValueStore("bench");
        foreach (var key in _keys)
        {
            _store.Put(key, _value);
        }
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _store?.Dispose();
        GC.SuppressFinalize(this);
    }

    [Benchmark]
    public bool Get()
    {
        _read.ResetWrittenCount();
        return _store.TryGet(_keys[_next++ % Keys], _read);
    }

    [Benchmark]
    public void Put() => _store.Put(_keys[_next++ % Keys], _value);

    [Benchmark]
    public int Encode() => UserStateCodec.Encode(_user, _encoded);

    [Benchmark]
    public void Decode() => UserStateCodec.Decode(_value, _user);
}
