namespace StreamRec.Pipeline.Online;

/// <summary>
/// Sums over ranks of the entered room, with the offline protocol's definitions (<c>RankingMetrics</c> in
/// StreamRec.Ranking): hit at k when the rank is at most k, NDCG@10 the discount 1/log2(rank + 1) of a hit.
/// </summary>
internal struct RankTally
{
    private long _cases;
    private long _h1;
    private long _h10;
    private double _ndcg;
    private long _new;
    private long _newH10;
    private long _repeatH10;

    public readonly long Cases => _cases;

    public readonly long NewCases => _new;

    public void Add(int rank, bool repeat)
    {
        _cases++;
        var hit10 = rank <= 10;
        _h1 += rank == 1 ? 1 : 0;
        _h10 += hit10 ? 1 : 0;
        _ndcg += hit10 ? 1.0 / Math.Log2(rank + 1) : 0;
        if (repeat)
        {
            _repeatH10 += hit10 ? 1 : 0;
        }
        else
        {
            _new++;
            _newH10 += hit10 ? 1 : 0;
        }
    }

    public readonly OnlineScores Scores() => new()
    {
        H1 = Ratio(_h1, _cases),
        H10 = Ratio(_h10, _cases),
        Ndcg10 = _cases == 0 ? 0 : _ndcg / _cases,
        H10NewStreamer = Ratio(_newH10, _new),
        H10RepeatStreamer = Ratio(_repeatH10, _cases - _new),
    };

    private static double Ratio(long hits, long cases) => cases == 0 ? 0 : (double)hits / cases;
}
