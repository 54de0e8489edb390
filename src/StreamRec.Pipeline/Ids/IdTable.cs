using System.Buffers;
using System.Text;

namespace StreamRec.Pipeline.Ids;

/// <summary>
/// Interns external string ids (users, rooms, streamers, categories) as dense integers, so that state
/// lives in arrays and the hot path compares ints. Ids are numbered in first-seen order, which makes
/// them deterministic for a given input order.
/// </summary>
/// <remarks>
/// One writer (the decoding stage) interns; other stages only read names of ids they received through
/// the stream. Names are kept in fixed-size chunks that are never reallocated, so a reader on another
/// thread always sees a fully written chunk for an id that reached it through a stream element.
/// </remarks>
public sealed class IdTable
{
    private const int ChunkBits = 12;
    private const int ChunkSize = 1 << ChunkBits;

    private readonly Dictionary<string, int> _ids = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private string[][] _chunks = [new string[ChunkSize]];
    private volatile int _count;

    public IdTable() => _lookup = _ids.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>How many distinct ids have been interned.</summary>
    public int Count => _count;

    /// <summary>Returns the id of <paramref name="name"/>, interning it if new.</summary>
    public int Intern(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (_ids.TryGetValue(name, out var id))
        {
            return id;
        }

        return Add(name);
    }

    /// <summary>Interns a UTF-8 id without allocating when it is already known (and short).</summary>
    public int Intern(ReadOnlySpan<byte> utf8)
    {
        // Ids are short; the pool covers whatever a caller lets through, so no input can exhaust the stack.
        char[]? rented = null;
        var chars = utf8.Length <= 512 ? stackalloc char[utf8.Length] : (rented = ArrayPool<char>.Shared.Rent(utf8.Length));
        try
        {
            var name = chars[..Encoding.UTF8.GetChars(utf8, chars)];
            return _lookup.TryGetValue(name, out var id) ? id : Add(name.ToString());
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<char>.Shared.Return(rented);
            }
        }
    }

    /// <summary>Looks an id up without interning; -1 when unknown.</summary>
    public int Find(string name) => _ids.TryGetValue(name, out var id) ? id : -1;

    /// <summary>The external name of an interned id.</summary>
    public string NameOf(int id)
    {
        if ((uint)id >= (uint)_count)
        {
            throw new ArgumentOutOfRangeException(nameof(id), id, "Unknown id.");
        }

        return _chunks[id >> ChunkBits][id & (ChunkSize - 1)];
    }

    /// <summary>
    /// Orders two ids by their external names (ordinal), the tie-break that does not depend on the order ids
    /// were first seen in, so equal-valued candidates rank alike on every instance and after a restore.
    /// </summary>
    public int CompareNames(int a, int b) => a == b ? 0 : string.CompareOrdinal(NameOf(a), NameOf(b));

    private int Add(string name)
    {
        var id = _count;
        var chunk = id >> ChunkBits;
        if (chunk == _chunks.Length)
        {
            // Grow the outer array only; existing chunks keep their identity for concurrent readers.
            var grown = new string[_chunks.Length * 2][];
            Array.Copy(_chunks, grown, _chunks.Length);
            _chunks = grown;
        }

        _chunks[chunk] ??= new string[ChunkSize];
        _chunks[chunk][id & (ChunkSize - 1)] = name;
        _ids.Add(name, id);
        _count = id + 1;
        return id;
    }
}
