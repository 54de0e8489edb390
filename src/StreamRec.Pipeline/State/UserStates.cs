using StreamRec.Pipeline.Batches;
using System.Buffers;
using System.Text;
using StreamRec.Pipeline.Ids;

namespace StreamRec.Pipeline.State;

/// <summary>
/// The users of one partition as a unit of work over its <see cref="IKeyValueStore"/>: a user touched by the
/// current batch is decoded once into a working copy, and every copy is encoded back at <see cref="WriteBack"/>.
/// The store is keyed by the external user id, so it means the same on any instance.
/// </summary>
public sealed class UserStates(IKeyValueStore store, IdTable userIds, int dimensions, int maxAffinities, int maxRanked)
{
    /// <summary>
    /// Stack room for a UTF-8 key; longer ids go to the heap (see <see cref="Key"/>). Small, because a stackalloc is
    /// zeroed on every call and reads run several times per event.
    /// </summary>
    private const int KeyBytes = 128;

    private readonly Dictionary<int, UserState> _open = [];
    private readonly Stack<UserState> _pool = new();
    private readonly ArrayBufferWriter<byte> _read = new(256);
    private readonly UserState _scratch = new(dimensions, maxAffinities, maxRanked);
    private readonly byte[] _write = new byte[UserStateCodec.MaxSize(dimensions, maxAffinities, maxRanked)];

    public IKeyValueStore Store => store;

    /// <summary>
    /// Users written back or forgotten since <see cref="TakeChanged"/> last ran, when tracked (a changelog is kept);
    /// null otherwise.
    /// </summary>
    internal HashSet<int>? Changed { get; private set; }

    /// <summary>The seq fence of the last restore from the changelog (empty otherwise).</summary>
    internal SeqFloors Floors { get; } = new();

    /// <summary>True when users changed since <see cref="TakeChanged"/> last ran, or working copies are open (when tracked).</summary>
    internal bool HasChanges => Changed is not null && (Changed.Count > 0 || _open.Count > 0);

    /// <summary>Starts tracking which users change, for the changelog.</summary>
    internal void TrackChanges() => Changed ??= [];

    /// <summary>The users changed since the last call (the open working copies included), in id order; the set starts afresh.</summary>
    internal int[] TakeChanged()
    {
        if (Changed is null)
        {
            return [];
        }

        foreach (var (user, _) in _open)
        {
            Changed.Add(user);
        }

        var changed = Changed.Order().ToArray();
        Changed.Clear();
        return changed;
    }

    /// <summary>
    /// Drops the working copies and deletes every stored user: the partition moved to another instance, which
    /// restores it from the changelog (the deletions become durable at the next commit).
    /// </summary>
    internal void DropAll()
    {
        foreach (var (_, state) in _open)
        {
            _pool.Push(state);
        }

        _open.Clear();
        Changed?.Clear();
        Floors.Clear();
        foreach (var (key, _) in store.All().ToList())
        {
            store.Delete(key);
        }
    }

    /// <summary>Stores a user's state as restored from the changelog (no working copy may be open for it).</summary>
    internal void PutRestored(int user, UserState state)
    {
        Span<byte> key = stackalloc byte[KeyBytes];
        var length = UserStateCodec.Encode(state, _write);
        store.Put(Key(user, key), _write.AsSpan(0, length));
    }

    /// <summary>A restored user whose state differs from its changelog record (its seq was fenced): the next checkpoint writes it.</summary>
    internal void MarkChanged(int user) => Changed?.Add(user);

    /// <summary>Deletes a user as the changelog's tombstone says (no working copy may be open for it).</summary>
    internal void DeleteRestored(int user)
    {
        Span<byte> key = stackalloc byte[KeyBytes];
        store.Delete(Key(user, key));
    }

    /// <summary>Users in the store plus those first seen in the current unit of work.</summary>
    public long Count
    {
        get
        {
            var added = 0;
            foreach (var (user, _) in _open)
            {
                added += Contains(user) ? 0 : 1;
            }

            return store.Count + added;
        }
    }

    /// <summary>The user's working copy, created empty for a user never seen.</summary>
    public UserState Get(int user) => Open(user, create: true)!;

    /// <summary>The user's working copy, or null for a user never seen (nothing is created).</summary>
    public UserState? Find(int user) => Open(user, create: false);

    /// <summary>
    /// Reads a user without opening it: the working copy when open, otherwise a scratch copy valid until the next
    /// call (never written back); null for a user never seen.
    /// </summary>
    public UserState? Peek(int user)
    {
        if (_open.TryGetValue(user, out var open))
        {
            return open;
        }

        Span<byte> key = stackalloc byte[KeyBytes];
        _read.ResetWrittenCount();
        if (!store.TryGet(Key(user, key), _read))
        {
            return null;
        }

        _scratch.Clear();
        UserStateCodec.Decode(_read.WrittenSpan, _scratch);
        return _scratch;
    }

    /// <summary>
    /// The user's first ranked rooms, best first, into <paramref name="rooms"/> (as many as fit) and the time of the
    /// ranking, without decoding the rest of the state (or opening it); -1 for a user never seen. Like
    /// <see cref="Peek"/>, it reads the working copy when the user is open.
    /// </summary>
    public int PeekRanking(int user, Span<int> rooms, out long rankedAt)
    {
        if (_open.TryGetValue(user, out var open))
        {
            rankedAt = open.RankedAt;
            var ranked = open.Ranked;
            var count = Math.Min(rooms.Length, ranked.Length);
            for (var i = 0; i < count; i++)
            {
                rooms[i] = ranked[i].Room;
            }

            return count;
        }

        Span<byte> key = stackalloc byte[KeyBytes];
        _read.ResetWrittenCount();
        if (!store.TryGet(Key(user, key), _read))
        {
            rankedAt = 0;
            return -1;
        }

        return UserStateCodec.ReadRanking(_read.WrittenSpan, rooms, out rankedAt);
    }

    /// <summary>
    /// Writes every working copy back to the store, ending the tick's unit of work. The store itself is
    /// committed with the instance's checkpoint (<see cref="IStateDirectory.Commit"/>), so what is durable
    /// always matches the input positions stored with it.
    /// </summary>
    public void WriteBack()
    {
        Span<byte> key = stackalloc byte[KeyBytes];
        foreach (var (user, state) in _open)
        {
            var length = UserStateCodec.Encode(state, _write);
            store.Put(Key(user, key), _write.AsSpan(0, length));
            Changed?.Add(user);
            _pool.Push(state);
        }

        _open.Clear();
    }

    /// <summary>Deletes the user: the working copy is dropped and the stored state removed at the next commit.</summary>
    public void Forget(int user)
    {
        if (_open.Remove(user, out var state))
        {
            _pool.Push(state);
        }

        Span<byte> key = stackalloc byte[KeyBytes];
        store.Delete(Key(user, key));
        Changed?.Add(user);
    }

    /// <summary>Writes the open working copies exactly (a checkpoint taken inside a tick).</summary>
    internal void SaveOpen(Durability.SnapshotWriter w)
    {
        w.VarUInt((ulong)_open.Count);
        foreach (var (user, state) in _open)
        {
            w.Int(user);
            w.Floats(state.Interest);
            w.Floats(state.ShortInterest);
            w.Long(state.InterestTs);
            w.Decayed(state.Activity);
            w.VarUInt((ulong)state.AffinityCount);
            foreach (var affinity in state.Affinities)
            {
                w.Int(affinity.Streamer);
                w.Decayed(affinity.Engagement);
            }

            w.VarUInt((ulong)state.RankedCount);
            foreach (var room in state.Ranked)
            {
                w.Int(room.Room);
                w.Float(room.Score);
            }

            w.Long(state.RankedAt);
            w.Long(state.Seq);
        }
    }

    /// <summary>Reopens the working copies <see cref="SaveOpen"/> wrote, as they were.</summary>
    internal void LoadOpen(Durability.SnapshotReader r)
    {
        _open.Clear();
        var count = r.Count();
        for (var i = 0; i < count; i++)
        {
            var user = r.Int();
            var state = new UserState(dimensions, maxAffinities, maxRanked);
            r.Floats(state.Interest);
            if (r.Version >= 2)
            {
                r.Floats(state.ShortInterest);
            }

            state.InterestTs = r.Long();
            state.Activity = r.Decayed();
            var affinities = new StreamerAffinity[r.Count()];
            for (var a = 0; a < affinities.Length; a++)
            {
                affinities[a] = new StreamerAffinity(r.Int(), r.Decayed());
            }

            state.SetAffinities(affinities);
            var ranked = new ScoredRoom[r.Count()];
            for (var k = 0; k < ranked.Length; k++)
            {
                ranked[k] = new ScoredRoom(r.Int(), r.Float());
            }

            state.SetRanked(ranked);
            state.RankedAt = r.Long();
            state.Seq = r.Long();
            _open[user] = state;
        }
    }

    private bool Contains(int user)
    {
        Span<byte> key = stackalloc byte[KeyBytes];
        _read.ResetWrittenCount();
        return store.TryGet(Key(user, key), _read);
    }

    private UserState? Open(int user, bool create)
    {
        if (_open.TryGetValue(user, out var open))
        {
            return open;
        }

        Span<byte> key = stackalloc byte[KeyBytes];
        _read.ResetWrittenCount();
        var found = store.TryGet(Key(user, key), _read);
        if (!found && !create)
        {
            return null;
        }

        var state = _pool.TryPop(out var pooled) ? pooled : new UserState(dimensions, maxAffinities, maxRanked);
        state.Clear();
        if (found)
        {
            UserStateCodec.Decode(_read.WrittenSpan, state);
        }
        else
        {
            Floors.Created(user, state);
        }

        _open[user] = state;
        return state;
    }

    private ReadOnlySpan<byte> Key(int user, Span<byte> buffer)
    {
        var name = userIds.NameOf(user);
        return Encoding.UTF8.GetMaxByteCount(name.Length) <= buffer.Length || Encoding.UTF8.GetByteCount(name) <= buffer.Length
            ? buffer[..Encoding.UTF8.GetBytes(name, buffer)]
            : Encoding.UTF8.GetBytes(name);
    }
}
