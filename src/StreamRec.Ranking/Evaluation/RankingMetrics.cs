namespace StreamRec.Ranking.Evaluation;

/// <summary>Accumulates the rank of the relevant room over cases into <see cref="RankingScores"/>.</summary>
public sealed class RankingMetrics
{
    private long _h1;
    private long _h10;
    private double _ndcg10;
    private long _h10New;
    private long _h10Rep;
    private long _h10Drift;

    public long Cases { get; private set; }

    public long NewCases { get; private set; }

    public long RepeatCases { get; private set; }

    /// <summary>Cases whose user's taste had drifted.</summary>
    public long DriftCases { get; private set; }

    /// <param name="rank">1-based rank of the relevant room.</param>
    /// <param name="isRepeat">Whether the user had engaged the room's streamer before.</param>
    /// <param name="drifted">Whether the user's taste had drifted (known only from the simulator's truth).</param>
    public void Add(int rank, bool isRepeat, bool drifted = false)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rank, 1);
        Cases++;
        var hit10 = rank <= 10;
        if (rank == 1)
        {
            _h1++;
        }

        if (hit10)
        {
            _h10++;

            // One relevant item: the ideal DCG is 1, so NDCG is the discount of its position.
            _ndcg10 += 1.0 / Math.Log2(rank + 1);
        }

        if (drifted)
        {
            DriftCases++;
            _h10Drift += hit10 ? 1 : 0;
        }

        if (isRepeat)
        {
            RepeatCases++;
            _h10Rep += hit10 ? 1 : 0;
        }
        else
        {
            NewCases++;
            _h10New += hit10 ? 1 : 0;
        }
    }

    public RankingScores Summary() => new(
        Ratio(_h1, Cases), Ratio(_h10, Cases), Cases == 0 ? 0 : _ndcg10 / Cases, Ratio(_h10New, NewCases), Ratio(_h10Rep, RepeatCases))
    {
        H10AfterDrift = Ratio(_h10Drift, DriftCases),
    };

    private static double Ratio(long hits, long cases) => cases == 0 ? 0 : (double)hits / cases;
}
