using System.Buffers;
using System.Text;
using CsCheck;
using StreamRec.State.Tests.Support;

namespace StreamRec.State.Tests;

/// <summary>
/// The durability half of the store's model: besides the dictionary of what a reader sees, the model keeps
/// the dictionary as of the last commit, which is all a reopened store may hold.
/// </summary>
public sealed class RocksDbKeyValueStoreModelTests
{
    private const int Put = 0;
    private const int Delete = 1;
    private const int Commit = 2;
    private const int Reopen = 3;

    [Fact]
    public void Store_AnySequenceWithReopens_HoldsExactlyWhatWasCommitted()
    {
        var op = Gen.Select(Gen.Int[0, 4], Gen.Int[0, 16], Gen.Int[0, 64]);
        op.Array[0, 120].Sample(operations =>
        {
            using var directory = new TempDirectory();
            var partition = RocksDbPartition.Open(directory.Options, 0);
            var store = partition.OpenKeyValueStore("users");
            var visible = new Dictionary<string, byte[]>();
            var committed = new Dictionary<string, byte[]>();
            var read = new ArrayBufferWriter<byte>();
            try
            {
                foreach (var (kind, keyNumber, size) in operations)
                {
                    var name = $"user-{keyNumber}";
                    var key = Encoding.UTF8.GetBytes(name);
                    switch (kind)
                    {
                        case Put:
                            var value = Enumerable.Range(0, size).Select(i => (byte)(i * 31 + keyNumber)).ToArray();
                            store.Put(key, value);
                            visible[name] = value;
                            break;
                        case Delete:
                            if (store.Delete(key) != visible.Remove(name))
                            {
                                return false;
                            }

                            break;
                        case Commit:
                            store.Commit();
                            committed = new Dictionary<string, byte[]>(visible);
                            break;
                        case Reopen:
                            // A dispose without commit, as a crash between two units of work would leave it.
                            store.Dispose();
                            partition.Dispose();
                            partition = RocksDbPartition.Open(directory.Options, 0);
                            store = partition.OpenKeyValueStore("users");
                            visible = new Dictionary<string, byte[]>(committed);
                            break;
                        default:
                            read.ResetWrittenCount();
                            var found = store.TryGet(key, read);
                            if (found != visible.TryGetValue(name, out var expected) || (found && !read.WrittenSpan.SequenceEqual(expected)))
                            {
                                return false;
                            }

                            break;
                    }

                    if (store.Count != visible.Count)
                    {
                        return false;
                    }
                }

                var all = store.All().ToDictionary(e => Encoding.UTF8.GetString(e.Key), e => e.Value);
                return all.Count == visible.Count && visible.All(m => all.TryGetValue(m.Key, out var v) && v.SequenceEqual(m.Value));
            }
            finally
            {
                store.Dispose();
                partition.Dispose();
            }
        }, iter: 60);
    }
}
