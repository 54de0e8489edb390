using System.Buffers;
using System.Text;
using CsCheck;
using StreamRec.Pipeline.State;

namespace StreamRec.Pipeline.Tests.State;

/// <summary>
/// The model-based test every <see cref="IKeyValueStore"/> implementation must pass: any sequence of puts,
/// deletes, gets and commits behaves like a dictionary. A new store adds a subclass with its factory.
/// </summary>
public abstract class KeyValueStoreContract
{
    protected abstract IKeyValueStore Create();

    [Fact]
    public void Store_AnySequenceOfOperations_BehavesLikeADictionary()
    {
        // Keys from a small set so operations collide; values of varied sizes so records grow and shrink.
        var op = Gen.Select(Gen.Int[0, 3], Gen.Int[0, 24], Gen.Int[0, 300]);
        op.Array[0, 300].Sample(operations =>
        {
            using var store = Create();
            var model = new Dictionary<string, byte[]>();
            var read = new ArrayBufferWriter<byte>();
            foreach (var (kind, keyNumber, size) in operations)
            {
                var key = Encoding.UTF8.GetBytes($"user-{keyNumber}");
                var name = $"user-{keyNumber}";
                switch (kind)
                {
                    case 0:
                        var value = Enumerable.Range(0, size).Select(i => (byte)(i + keyNumber + size)).ToArray();
                        store.Put(key, value);
                        model[name] = value;
                        break;
                    case 1:
                        if (store.Delete(key) != model.Remove(name))
                        {
                            return false;
                        }

                        break;
                    case 2:
                        store.Commit();
                        break;
                    default:
                        read.ResetWrittenCount();
                        var found = store.TryGet(key, read);
                        if (found != model.TryGetValue(name, out var expected) || (found && !read.WrittenSpan.SequenceEqual(expected)))
                        {
                            return false;
                        }

                        break;
                }

                if (store.Count != model.Count)
                {
                    return false;
                }
            }

            var all = store.All().ToDictionary(e => Encoding.UTF8.GetString(e.Key), e => e.Value);
            return all.Count == model.Count && model.All(m => all.TryGetValue(m.Key, out var v) && v.SequenceEqual(m.Value));
        });
    }

    [Fact]
    public void Store_ManyKeys_EveryKeyStaysReadable()
    {
        using var store = Create();
        for (var i = 0; i < 20_000; i++)
        {
            store.Put(Encoding.UTF8.GetBytes($"u{i}"), BitConverter.GetBytes(i));
        }

        for (var i = 0; i < 20_000; i += 2)
        {
            Assert.True(store.Delete(Encoding.UTF8.GetBytes($"u{i}")));
        }

        var read = new ArrayBufferWriter<byte>();
        for (var i = 1; i < 20_000; i += 2)
        {
            read.ResetWrittenCount();
            Assert.True(store.TryGet(Encoding.UTF8.GetBytes($"u{i}"), read));
            Assert.Equal(i, BitConverter.ToInt32(read.WrittenSpan));
        }

        Assert.Equal(10_000, store.Count);
    }
}
