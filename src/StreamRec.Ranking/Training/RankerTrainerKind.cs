namespace StreamRec.Ranking.Training;

/// <summary>Which gradient-boosted tree trainer builds the ranking model.</summary>
public enum RankerTrainerKind
{
    /// <summary>Train both and keep the one with the better validation H@10 (then NDCG@10).</summary>
    Auto,

    /// <summary>ML.NET's FastTree (MART) binary classifier.</summary>
    FastTree,

    /// <summary>LightGBM's binary classifier through ML.NET.</summary>
    LightGbm,
}
