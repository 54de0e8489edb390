using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using RocksDbSharp;
using StreamRec.Pipeline.Ids;
using StreamRec.Pipeline.State;
using StreamRec.State.Tests.Support;

namespace StreamRec.State.Tests;

public sealed class RocksDbKeyValueStoreTests : IDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly ArrayBufferWriter<byte> _read = new();

    public void Dispose() => _directory.Dispose();

    [SkippableFact]
    public void NativeLibrary_OnThisMachine_LoadsAndOpensADatabase()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "The mapped-library check reads /proc/self/maps.");
        using (var partition = RocksDbPartition.Open(_directory.Options, 0))
        using (var store = partition.OpenKeyValueStore("users"))
        {
            store.Put("u"u8, "v"u8);
            store.Commit();
            Assert.Equal("v", Read(store, "u"));
        }

        // The package's own native build is what the process runs, not a library found elsewhere.
        var mapped = File.ReadLines("/proc/self/maps").Where(l => l.Contains("librocksdb", StringComparison.Ordinal)).ToArray();
        Assert.NotEmpty(mapped);
        Assert.Contains(mapped, l => l.Contains("/runtimes/linux-", StringComparison.Ordinal) || l.Contains(AppContext.BaseDirectory, StringComparison.Ordinal));
        Assert.True(File.Exists(Path.Combine(_directory.Options.PartitionDirectory(0), "CURRENT")));
    }

    [Fact]
    public void CommittedData_ReopeningTheDirectory_Survives()
    {
        using (var partition = RocksDbPartition.Open(_directory.Options, 3))
        using (var store = partition.OpenKeyValueStore("users"))
        {
            for (var i = 0; i < 1000; i++)
            {
                store.Put(Key(i), Value(i));
            }

            store.Commit();
            for (var i = 0; i < 1000; i += 10)
            {
                Assert.True(store.Delete(Key(i)));
            }

            store.Put(Key(1), "replaced"u8);
            store.Commit();
        }

        using (var partition = RocksDbPartition.Open(_directory.Options, 3))
        using (var store = partition.OpenKeyValueStore("users"))
        {
            Assert.Equal(900, store.Count);
            Assert.Equal(900, store.All().Count());
            Assert.Null(Read(store, "user-0"));
            Assert.Equal("replaced", Read(store, "user-1"));
            Assert.Equal("value-999", Read(store, "user-999"));
        }
    }

    [Fact]
    public void PartitionCommit_TwoStores_WritesBothOrNeither()
    {
        using (var partition = RocksDbPartition.Open(_directory.Options, 0))
        {
            using var users = partition.OpenKeyValueStore("users-0");
            using var checkpoint = partition.OpenKeyValueStore("checkpoint");
            users.Put("alice"u8, "1"u8);
            checkpoint.Put("state"u8, "a"u8);
            partition.Commit();
            users.Put("bob"u8, "2"u8);
            checkpoint.Put("state"u8, "b"u8);
        }

        using (var partition = RocksDbPartition.Open(_directory.Options, 0))
        {
            using var users = partition.OpenKeyValueStore("users-0");
            using var checkpoint = partition.OpenKeyValueStore("checkpoint");
            var value = new System.Buffers.ArrayBufferWriter<byte>();
            Assert.True(checkpoint.TryGet("state"u8, value));
            Assert.Equal("a"u8.ToArray(), value.WrittenSpan.ToArray());
            Assert.Equal(1, users.Count);
            Assert.False(users.TryGet("bob"u8, new System.Buffers.ArrayBufferWriter<byte>()));
        }
    }

    [Fact]
    public void Commit_Always_StoresTheCountBesideTheData()
    {
        using (var partition = RocksDbPartition.Open(_directory.Options, 0))
        using (var store = partition.OpenKeyValueStore("users"))
        {
            for (var i = 0; i < 5; i++)
            {
                store.Put(Key(i), Value(i));
            }

            store.Delete(Key(0));
            store.Commit();
        }

        // The layout a reopen relies on to know the count without reading the store through.
        var path = _directory.Options.PartitionDirectory(0);
        var families = new ColumnFamilies { { "users", new ColumnFamilyOptions() } };
        using var db = RocksDb.OpenReadOnly(new DbOptions(), path, families, errIfLogFileExists: false);
        Assert.Equal([RocksDbPartition.LayoutVersion], db.Get("streamrec.layout"u8));
        Assert.Equal(4L, BinaryPrimitives.ReadInt64LittleEndian(db.Get("streamrec.count.users"u8)));
        Assert.Equal("value-4", Encoding.UTF8.GetString(db.Get("user-4"u8, db.GetColumnFamily("users"))));
    }

    [Fact]
    public void UncommittedData_DisposedWithoutCommit_IsLost()
    {
        using (var partition = RocksDbPartition.Open(_directory.Options, 0))
        using (var store = partition.OpenKeyValueStore("users"))
        {
            store.Put(Key(1), Value(1));
            store.Put(Key(2), Value(2));
            store.Commit();

            // One unit of work that changes, deletes and adds, then never commits.
            store.Put(Key(1), "changed"u8);
            store.Delete(Key(2));
            store.Put(Key(3), Value(3));
            Assert.Equal(2, store.Count);
        }

        using (var partition = RocksDbPartition.Open(_directory.Options, 0))
        using (var store = partition.OpenKeyValueStore("users"))
        {
            Assert.Equal(2, store.Count);
            Assert.Equal("value-1", Read(store, "user-1"));
            Assert.Equal("value-2", Read(store, "user-2"));
            Assert.Null(Read(store, "user-3"));
        }
    }

    [Fact]
    public void UnitOfWork_BeforeCommit_IsVisibleToReads()
    {
        using var partition = RocksDbPartition.Open(_directory.Options, 0);
        using var store = partition.OpenKeyValueStore("users");
        store.Put(Key(1), Value(1));
        store.Commit();

        store.Put(Key(2), Value(2));
        Assert.True(store.Delete(Key(1)));

        Assert.Null(Read(store, "user-1"));
        Assert.Equal("value-2", Read(store, "user-2"));
        Assert.Equal(["user-2"], store.All().Select(e => Encoding.UTF8.GetString(e.Key)));
        Assert.Equal(1, store.Count);
        Assert.Equal(2, store.PendingCount);
    }

    [Fact]
    public void TwoStores_InOnePartition_AreIndependent()
    {
        using (var partition = RocksDbPartition.Open(_directory.Options, 0))
        using (var users = partition.OpenKeyValueStore("users"))
        using (var rooms = partition.OpenKeyValueStore("rooms"))
        {
            users.Put(Key(1), "in users"u8);
            rooms.Put(Key(1), "in rooms"u8);
            rooms.Put(Key(2), "only in rooms"u8);
            users.Commit();
            rooms.Commit();

            Assert.True(rooms.Delete(Key(1)));
            Assert.Equal("in users", Read(users, "user-1"));
            Assert.Null(Read(users, "user-2"));

            // Committing one store leaves the other's unit of work open, and lost at dispose.
            users.Put(Key(3), "committed"u8);
            users.Commit();
            Assert.Equal((2, 1), (users.Count, rooms.Count));
        }

        using (var partition = RocksDbPartition.Open(_directory.Options, 0))
        {
            Assert.Equal(["rooms", "users"], partition.StoreNames);
            using var users = partition.OpenKeyValueStore("users");
            using var rooms = partition.OpenKeyValueStore("rooms");
            Assert.Equal((2, 2), (users.Count, rooms.Count));
            Assert.Equal("in users", Read(users, "user-1"));
            Assert.Equal("committed", Read(users, "user-3"));
            Assert.Equal("in rooms", Read(rooms, "user-1"));
            Assert.Equal("only in rooms", Read(rooms, "user-2"));
            Assert.Null(Read(rooms, "user-3"));
        }
    }

    [Fact]
    public void UserStates_OverTheStore_ResumeAfterReopen()
    {
        var ids = new IdTable();
        var alice = ids.Intern("alice");
        using (var partition = RocksDbPartition.Open(_directory.Options, 0))
        using (var store = partition.OpenKeyValueStore("users"))
        {
            var users = new UserStates(store, ids, dimensions: 4, maxAffinities: 2, maxRanked: 3);
            var state = users.Get(alice);
            state.Seq = 41;
            state.Interest[0] = 1f;
            users.WriteBack();

            // The pipeline reads its own writes: a second batch sees the first one's user before its commit.
            users.Get(alice).Seq++;
            Assert.Equal(42, users.Peek(alice)!.Seq);
            users.WriteBack();
            Assert.Equal(1, users.Count);
            partition.Commit();
        }

        using (var partition = RocksDbPartition.Open(_directory.Options, 0))
        using (var store = partition.OpenKeyValueStore("users"))
        {
            var users = new UserStates(store, ids, dimensions: 4, maxAffinities: 2, maxRanked: 3);
            var state = users.Find(alice);
            Assert.NotNull(state);
            Assert.Equal(42, state.Seq);
            Assert.Equal(1f, state.Interest[0], 2);
        }
    }

    [Fact]
    public void OpenKeyValueStore_NameAlreadyOpen_Throws()
    {
        using var partition = RocksDbPartition.Open(_directory.Options, 0);
        using var first = partition.OpenKeyValueStore("users");
        Assert.Throws<InvalidOperationException>(() => partition.OpenKeyValueStore("users"));

        first.Dispose();
        using var again = partition.OpenKeyValueStore("users");
        Assert.Equal("users", again.Name);
    }

    [Theory]
    [InlineData("default")]
    [InlineData("a/b")]
    [InlineData("naïve")]
    public void OpenKeyValueStore_InvalidName_Throws(string name)
    {
        using var partition = RocksDbPartition.Open(_directory.Options, 0);
        Assert.Throws<ArgumentException>(() => partition.OpenKeyValueStore(name));
    }

    [Fact]
    public void Open_DirectoryAlreadyOpen_FailsOnRocksDbsLock()
    {
        using var partition = RocksDbPartition.Open(_directory.Options, 0);
        Assert.Throws<RocksDbException>(() => RocksDbPartition.Open(_directory.Options, 0));
    }

    [Fact]
    public void Open_OtherLayoutVersion_Throws()
    {
        var path = _directory.Options.PartitionDirectory(0);
        Directory.CreateDirectory(path);
        using (var db = RocksDb.Open(new DbOptions().SetCreateIfMissing(true), path))
        {
            db.Put("streamrec.layout"u8, [(byte)(RocksDbPartition.LayoutVersion + 1)]);
        }

        var error = Assert.Throws<InvalidDataException>(() => RocksDbPartition.Open(_directory.Options, 0));
        Assert.Contains("layout version 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_EmptyDatabaseNeverStamped_IsTakenAsNew()
    {
        // What a process killed between RocksDB creating the database and the layout being written leaves.
        var path = _directory.Options.PartitionDirectory(0);
        Directory.CreateDirectory(path);
        RocksDb.Open(new DbOptions().SetCreateIfMissing(true), path).Dispose();

        using var partition = RocksDbPartition.Open(_directory.Options, 0);
        using var store = partition.OpenKeyValueStore("users");
        Assert.Equal(0, store.Count);
    }

    [Fact]
    public void Open_ForeignDatabaseWithoutALayout_Throws()
    {
        var path = _directory.Options.PartitionDirectory(0);
        Directory.CreateDirectory(path);
        using (var db = RocksDb.Open(new DbOptions().SetCreateIfMissing(true), path))
        {
            db.Put("someone else's"u8, "data"u8);
        }

        var error = Assert.Throws<InvalidDataException>(() => RocksDbPartition.Open(_directory.Options, 0));
        Assert.Contains("layout version none", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Store_UsedAfterItsPartitionIsDisposed_Throws()
    {
        var partition = RocksDbPartition.Open(_directory.Options, 0);
        var store = partition.OpenKeyValueStore("users");
        partition.Dispose();
        Assert.Throws<ObjectDisposedException>(() => store.Put("k"u8, "v"u8));
        Assert.Throws<ObjectDisposedException>(() => partition.OpenKeyValueStore("rooms"));
    }

    private static byte[] Key(int i) => Encoding.UTF8.GetBytes($"user-{i}");

    private static byte[] Value(int i) => Encoding.UTF8.GetBytes($"value-{i}");

    private string? Read(RocksDbKeyValueStore store, string key)
    {
        _read.ResetWrittenCount();
        return store.TryGet(Encoding.UTF8.GetBytes(key), _read) ? Encoding.UTF8.GetString(_read.WrittenSpan) : null;
    }
}
