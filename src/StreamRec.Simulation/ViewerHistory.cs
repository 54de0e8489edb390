using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace StreamRec.Simulation;

/// <summary>
/// How often each viewer has visited each streamer, plus the reverse index a room start needs: the viewers
/// who have visited its streamer at least twice, the ones a notification can pull in. Viewers see a handful of
/// streamers each, so each viewer owns one 64-byte chunk of seven counts, chained to overflow chunks beyond
/// that: a visit reads one cache line of history, not a walk through the heap.
/// </summary>
internal sealed class ViewerHistory
{
    /// <summary>Visits after which a viewer follows a streamer's new sessions.</summary>
    public const int FollowAfter = 2;

    private readonly Chunk[] _first;
    private readonly List<int>?[] _followers;
    private Chunk[] _overflow = new Chunk[1024];
    private int _overflowUsed = 1;

    public ViewerHistory(int viewers, int streamers)
    {
        _first = new Chunk[viewers];
        _followers = new List<int>?[streamers];
    }

    /// <summary>Counts one more visit of <paramref name="viewer"/> to <paramref name="streamer"/>.</summary>
    public void Record(int viewer, int streamer)
    {
        ref var chunk = ref _first[viewer];
        var at = 0;
        while (true)
        {
            for (var i = 0; i < chunk.Count; i++)
            {
                if (chunk.Entries[i].Streamer == streamer)
                {
                    if (++chunk.Entries[i].Visits == FollowAfter)
                    {
                        (_followers[streamer] ??= []).Add(viewer);
                    }

                    return;
                }
            }

            if (chunk.Count < Chunk.Capacity)
            {
                chunk.Entries[chunk.Count++] = new Entry(streamer, 1);
                return;
            }

            if (chunk.Next == 0)
            {
                if (_overflowUsed == _overflow.Length)
                {
                    Array.Resize(ref _overflow, _overflow.Length * 2);
                    chunk = ref at == 0 ? ref chunk : ref _overflow[at];
                }

                chunk.Next = _overflowUsed++;
            }

            at = chunk.Next;
            chunk = ref _overflow[at];
        }
    }

    /// <summary>
    /// Scales every count of <paramref name="viewer"/> by <paramref name="factor"/> (a change of taste: old
    /// favourites lose pull). A follower stays one (it still hears of new sessions), so its count never falls
    /// below <see cref="FollowAfter"/>, which also keeps it from being added to the followers twice.
    /// </summary>
    public void Scale(int viewer, double factor)
    {
        ref var chunk = ref _first[viewer];
        while (true)
        {
            for (var i = 0; i < chunk.Count; i++)
            {
                ref var entry = ref chunk.Entries[i];
                var floor = entry.Visits >= FollowAfter ? FollowAfter : 1;
                entry.Visits = Math.Max(floor, (int)(entry.Visits * factor));
            }

            if (chunk.Next == 0)
            {
                return;
            }

            chunk = ref _overflow[chunk.Next];
        }
    }

    /// <summary>The streamers <paramref name="viewer"/> has visited, with visit counts, oldest first.</summary>
    public Enumerator Of(int viewer) => new(_first[viewer], _overflow);

    /// <summary>Viewers with at least <see cref="FollowAfter"/> visits to <paramref name="streamer"/>, in the order they got there.</summary>
    public ReadOnlySpan<int> Followers(int streamer) => CollectionsMarshal.AsSpan(_followers[streamer]);

    /// <summary>Walks one viewer's counts without allocating.</summary>
    public ref struct Enumerator(Chunk first, Chunk[] overflow)
    {
        private Chunk _chunk = first;
        private int _index = -1;

        public readonly Entry Current => _chunk.Entries[_index];

        public readonly Enumerator GetEnumerator() => this;

        public bool MoveNext()
        {
            if (++_index < _chunk.Count)
            {
                return true;
            }

            if (_chunk.Next == 0)
            {
                return false;
            }

            _chunk = overflow[_chunk.Next];
            _index = 0;
            return _chunk.Count > 0;
        }
    }

    /// <summary>A viewer's visits to one streamer.</summary>
    public record struct Entry(int Streamer, int Visits);

    /// <summary>Seven counts and the overflow index of the next chunk (0: none; overflow chunk 0 is never used).</summary>
    public struct Chunk
    {
        public const int Capacity = 7;

        public Entries Entries;
        public int Count;
        public int Next;
    }

    [InlineArray(Chunk.Capacity)]
    public struct Entries
    {
        private Entry _element;
    }
}
