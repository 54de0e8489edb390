using System.Buffers;

namespace StreamRec.Pipeline.Exchange;

/// <summary>
/// Cuts a tick's encoded entries into parts of bounded size: each part holds whole entries of the three sections
/// (rooms, audiences, pairs), each section preceded by its count, after a header the caller writes.
/// </summary>
/// <param name="budget">Bytes of entries a part holds at most (one larger entry still gets a part of its own).</param>
internal sealed class ContributionParts(int budget)
{
    public const int Rooms = 0;
    public const int Audiences = 1;
    public const int Pairs = 2;

    private readonly List<Part> _parts = [new()];

    public void Add(int section, ReadOnlySpan<byte> entry)
    {
        var part = _parts[^1];
        if (part.Bytes > 0 && part.Bytes + entry.Length > budget)
        {
            part = new Part();
            _parts.Add(part);
        }

        part.Sections[section].Write(entry);
        part.Counts[section]++;
        part.Bytes += entry.Length;
    }

    /// <param name="header">Writes part i of n's header into the buffer.</param>
    public List<byte[]> Finish(Action<int, int, ArrayBufferWriter<byte>> header)
    {
        var records = new List<byte[]>(_parts.Count);
        for (var i = 0; i < _parts.Count; i++)
        {
            var part = _parts[i];
            var buffer = new ArrayBufferWriter<byte>(part.Bytes + 128);
            header(i, _parts.Count, buffer);
            for (var section = 0; section < 3; section++)
            {
                new State.ByteWriter(buffer).VarUInt((ulong)part.Counts[section]);
                buffer.Write(part.Sections[section].WrittenSpan);
            }

            records.Add(buffer.WrittenSpan.ToArray());
        }

        return records;
    }

    private sealed class Part
    {
        public ArrayBufferWriter<byte>[] Sections { get; } = [new(), new(), new()];

        public int[] Counts { get; } = new int[3];

        public int Bytes { get; set; }
    }
}
