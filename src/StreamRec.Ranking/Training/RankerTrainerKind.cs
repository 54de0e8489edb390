namespace StreamRec.Ranking.Training;

/// <summary>Which gradient-boosted tree trainer builds the ranking model.</summary>
public enum RankerTrainerKind
{
    /// <summary>Train both and keep the one with the better validation NDCG@10 (then H@10).</summary>
    Auto,

    /// <summary>ML.NET's FastTree: MART for the binary objective, LambdaMART for the ranking one.</summary>
    FastTree,

    /// <summary>LightGBM through ML.NET: its binary classifier, or its LambdaMART ranker.</summary>
    LightGbm,
}
