namespace StreamRec.Ranking.Training;

/// <summary>What the tree ensemble learns from the training visits.</summary>
public enum RankerObjective
{
    /// <summary>Train both objectives (with every trainer asked for) and keep the candidate with the best validation NDCG@10.</summary>
    Auto,

    /// <summary>Clicked versus live-not-clicked rows, one at a time (log loss); the model outputs a calibrated probability.</summary>
    Binary,

    /// <summary>
    /// LambdaMART over each visit's rows as one group, with graded relevance (see <see cref="TrainingSetBuilder"/>); the
    /// model outputs a raw score that only orders rooms.
    /// </summary>
    Ranking,
}
