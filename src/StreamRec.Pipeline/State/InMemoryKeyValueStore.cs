using System.Buffers;
using System.Buffers.Binary;

namespace StreamRec.Pipeline.State;

/// <summary>
/// A compact in-memory <see cref="IKeyValueStore"/>: no object per entry. Records ([key length][value length]
/// [key][value]) live in 1 MiB pages, in slots of 16-byte granules with a free list per slot size; an
/// open-addressing table (linear probing, backward-shift deletion) maps key hashes to entry numbers. At a
/// million users this costs the record plus ~20 bytes, where a dictionary of arrays costs ~100 more.
/// </summary>
public sealed class InMemoryKeyValueStore(string name) : IKeyValueStore
{
    private const int PageBits = 20;
    private const int PageSize = 1 << PageBits;
    private const int Granule = 16;
    private const int HeaderBytes = 6;
    private const double MaxLoad = 0.7;

    private readonly List<byte[]> _pages = [];
    private readonly Dictionary<int, Stack<long>> _freeSlots = [];
    private readonly Stack<int> _freeEntries = new();
    private int _pageTail = PageSize;
    private long[] _location = new long[64];
    private int[] _hashes = new int[64];
    private int _entries;
    private int[] _table = new int[128];
    private long _count;

    public string Name { get; } = name;

    public long Count => _count;

    public bool TryGet(ReadOnlySpan<byte> key, IBufferWriter<byte> value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var entry = Find(key, Hash(key), out _);
        if (entry < 0)
        {
            return false;
        }

        var record = Record(entry);
        var keyLength = BinaryPrimitives.ReadUInt16LittleEndian(record);
        var valueLength = BinaryPrimitives.ReadInt32LittleEndian(record[2..]);
        var source = record.Slice(HeaderBytes + keyLength, valueLength);
        source.CopyTo(value.GetSpan(valueLength));
        value.Advance(valueLength);
        return true;
    }

    public void Put(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        if (key.Length > ushort.MaxValue || HeaderBytes + key.Length + value.Length > PageSize)
        {
            throw new ArgumentException($"Entry of {key.Length} + {value.Length} bytes exceeds the {PageSize}-byte record limit.", nameof(value));
        }

        var hash = Hash(key);
        var entry = Find(key, hash, out var slot);
        var granules = Granules(key.Length, value.Length);
        if (entry >= 0)
        {
            var old = Record(entry);
            var oldGranules = Granules(BinaryPrimitives.ReadUInt16LittleEndian(old), BinaryPrimitives.ReadInt32LittleEndian(old[2..]));
            if (oldGranules != granules)
            {
                Release(_location[entry], oldGranules);
                _location[entry] = Allocate(granules);
            }

            Write(entry, key, value);
            return;
        }

        entry = NewEntry();
        _hashes[entry] = hash;
        _location[entry] = Allocate(granules);
        Write(entry, key, value);
        _table[slot] = entry + 1;
        _count++;
        if (_count > _table.Length * MaxLoad)
        {
            Rehash(_table.Length * 2);
        }
    }

    public bool Delete(ReadOnlySpan<byte> key)
    {
        var entry = Find(key, Hash(key), out var slot);
        if (entry < 0)
        {
            return false;
        }

        var record = Record(entry);
        Release(_location[entry], Granules(BinaryPrimitives.ReadUInt16LittleEndian(record), BinaryPrimitives.ReadInt32LittleEndian(record[2..])));
        _location[entry] = -1;
        _freeEntries.Push(entry);
        RemoveSlot(slot);
        _count--;
        return true;
    }

    public IEnumerable<KeyValuePair<byte[], byte[]>> All()
    {
        for (var entry = 0; entry < _entries; entry++)
        {
            if (_location[entry] < 0)
            {
                continue;
            }

            var record = Record(entry);
            var keyLength = BinaryPrimitives.ReadUInt16LittleEndian(record);
            var valueLength = BinaryPrimitives.ReadInt32LittleEndian(record[2..]);
            yield return new(record.Slice(HeaderBytes, keyLength).ToArray(), record.Slice(HeaderBytes + keyLength, valueLength).ToArray());
        }
    }

    /// <summary>Nothing to do: memory is the store's only medium.</summary>
    public void Commit()
    {
    }

    /// <summary>Releases every page and index array; the store is empty (and small) afterwards.</summary>
    public void Dispose()
    {
        _pages.Clear();
        _pages.TrimExcess();
        _freeSlots.Clear();
        _freeEntries.Clear();
        _freeEntries.TrimExcess();
        _location = new long[64];
        _hashes = new int[64];
        _table = new int[128];
        _pageTail = PageSize;
        _count = 0;
        _entries = 0;
    }

    private static int Hash(ReadOnlySpan<byte> key)
    {
        var hash = new HashCode();
        hash.AddBytes(key);
        return hash.ToHashCode();
    }

    private static int Granules(int keyLength, int valueLength) => (HeaderBytes + keyLength + valueLength + Granule - 1) / Granule;

    private Span<byte> Record(int entry)
    {
        var location = _location[entry];
        return _pages[(int)(location >> PageBits)].AsSpan((int)(location & (PageSize - 1)));
    }

    /// <summary>The entry holding <paramref name="key"/>, or -1 with <paramref name="slot"/> at the empty slot where it would go.</summary>
    private int Find(ReadOnlySpan<byte> key, int hash, out int slot)
    {
        var mask = _table.Length - 1;
        slot = hash & mask;
        while (_table[slot] != 0)
        {
            var entry = _table[slot] - 1;
            if (_hashes[entry] == hash)
            {
                var record = Record(entry);
                var keyLength = BinaryPrimitives.ReadUInt16LittleEndian(record);
                if (record.Slice(HeaderBytes, keyLength).SequenceEqual(key))
                {
                    return entry;
                }
            }

            slot = (slot + 1) & mask;
        }

        return -1;
    }

    private void Write(int entry, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        var record = Record(entry);
        BinaryPrimitives.WriteUInt16LittleEndian(record, (ushort)key.Length);
        BinaryPrimitives.WriteInt32LittleEndian(record[2..], value.Length);
        key.CopyTo(record[HeaderBytes..]);
        value.CopyTo(record[(HeaderBytes + key.Length)..]);
    }

    private int NewEntry()
    {
        if (_freeEntries.TryPop(out var entry))
        {
            return entry;
        }

        if (_entries == _location.Length)
        {
            Array.Resize(ref _location, _entries * 2);
            Array.Resize(ref _hashes, _entries * 2);
        }

        return _entries++;
    }

    private long Allocate(int granules)
    {
        if (_freeSlots.TryGetValue(granules, out var free) && free.TryPop(out var reused))
        {
            return reused;
        }

        var bytes = granules * Granule;
        if (_pageTail + bytes > PageSize)
        {
            _pages.Add(new byte[PageSize]);
            _pageTail = 0;
        }

        var location = ((long)(_pages.Count - 1) << PageBits) | (uint)_pageTail;
        _pageTail += bytes;
        return location;
    }

    private void Release(long location, int granules)
    {
        if (!_freeSlots.TryGetValue(granules, out var free))
        {
            _freeSlots[granules] = free = new Stack<long>();
        }

        free.Push(location);
    }

    private void RemoveSlot(int slot)
    {
        // Backward-shift deletion keeps every probe chain unbroken without tombstones.
        var mask = _table.Length - 1;
        var hole = slot;
        var next = slot;
        while (true)
        {
            next = (next + 1) & mask;
            if (_table[next] == 0)
            {
                break;
            }

            var home = _hashes[_table[next] - 1] & mask;
            var movable = hole <= next ? home <= hole || home > next : home <= hole && home > next;
            if (movable)
            {
                _table[hole] = _table[next];
                hole = next;
            }
        }

        _table[hole] = 0;
    }

    private void Rehash(int size)
    {
        var table = new int[size];
        var mask = size - 1;
        for (var entry = 0; entry < _entries; entry++)
        {
            if (_location[entry] < 0)
            {
                continue;
            }

            var slot = _hashes[entry] & mask;
            while (table[slot] != 0)
            {
                slot = (slot + 1) & mask;
            }

            table[slot] = entry + 1;
        }

        _table = table;
    }
}
