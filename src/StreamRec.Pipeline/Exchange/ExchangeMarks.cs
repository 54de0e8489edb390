using StreamRec.Pipeline.Decoding;

namespace StreamRec.Pipeline.Exchange;

/// <summary>
/// One user partition's marks in the room-aggregate exchange: per input topic, the highest offset whose event's
/// contribution is counted, by this instance or by another that published it. The coordinator moves them between the
/// parallel phases; the partition's worker reads them to leave out what is already counted.
/// </summary>
public sealed class ExchangeMarks
{
    private long[] _offsets = [];

    /// <summary>The highest offset of <paramref name="source"/> counted, or -1.</summary>
    public long Of(int source) => source >= 0 && source < _offsets.Length ? _offsets[source] : -1;

    /// <summary>True when the event's contribution is counted already: another instance published it (or this one did, before a restart).</summary>
    public bool Counts(in EventRecord e) => e.Offset >= 0 && e.Offset <= Of(e.Source);

    /// <summary>Moves the mark of <paramref name="source"/> up to <paramref name="offset"/>; true when it moved.</summary>
    internal bool Claim(int source, long offset)
    {
        if (source >= _offsets.Length)
        {
            var grown = new long[source + 1];
            Array.Fill(grown, -1);
            _offsets.CopyTo(grown, 0);
            _offsets = grown;
        }

        if (offset <= _offsets[source])
        {
            return false;
        }

        _offsets[source] = offset;
        return true;
    }

    /// <summary>The marks set, as (source id, offset).</summary>
    public IEnumerable<(int Source, long Offset)> All()
    {
        for (var s = 0; s < _offsets.Length; s++)
        {
            if (_offsets[s] >= 0)
            {
                yield return (s, _offsets[s]);
            }
        }
    }
}
