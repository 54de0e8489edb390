namespace StreamRec.Ranking.Training;

/// <summary>How <see cref="RankerTrainer"/> builds examples from a log and fits the model. Immutable; validated at start.</summary>
public sealed record RankerTrainingOptions
{
    public RankerTrainerKind Trainer { get; init; } = RankerTrainerKind.Auto;

    /// <summary>Binary, ranking (LambdaMART), or both with the better validation NDCG@10 kept.</summary>
    public RankerObjective Objective { get; init; } = RankerObjective.Auto;

    /// <summary>Fraction of the log's event-time span, at its end, whose visits validate instead of train.</summary>
    public double ValidationFraction { get; init; } = 0.2;

    /// <summary>Live rooms not clicked, sampled per training visit as negatives (all of them when fewer are live).</summary>
    public int NegativesPerPositive { get; init; } = 60;

    /// <summary>Seeds negative sampling and the trainers: the same log and seed give the same model bytes.</summary>
    public int Seed { get; init; } = 7;

    /// <summary>
    /// Boosting rounds (trees). 25 trees of 8 leaves kept held-out H@10 within 0.01 of 200 of 24 at ~6.7x the rows
    /// per second; the smaller sizes tried (25 x 6, 25 x 4, 15 x 8, 10 x 8) did not on every seed (README, "Ranking model").
    /// </summary>
    public int Trees { get; init; } = 25;

    /// <summary>Leaves per tree.</summary>
    public int Leaves { get; init; } = 8;

    public int MinExamplesPerLeaf { get; init; } = 50;

    /// <summary>Shrinkage of each tree for the binary objective.</summary>
    public double LearningRate { get; init; } = 0.1;

    /// <summary>
    /// Shrinkage of each tree for the ranking objective, its own because the objectives want different steps: on
    /// train-default.sh's log LambdaMART at 0.1 underfits in 25 trees (validation NDCG@10 0.560 FastTree / 0.589
    /// LightGBM, against 0.592 / 0.609 at 0.5), while the binary LightGBM falls apart at 0.5 (0.366, from 0.592).
    /// </summary>
    public double RankingLearningRate { get; init; } = 0.5;

    /// <summary>
    /// Relevance grade, for the ranking objective, of a clicked room whose visit went on to a comment or purchase
    /// (a click alone is 1, a room not clicked 0).
    /// </summary>
    /// <remarks>
    /// With one clicked room per visit the grade cancels out of LambdaMART's gradients (each pair's NDCG change is
    /// divided by the visit's ideal DCG, which is that room's own gain), so 1 and 2 train the same trees today; it
    /// starts to count once a visit can hold more than one relevant room.
    /// </remarks>
    public int EngagedRelevance { get; init; } = 2;

    /// <summary>
    /// Added to a visit's positive weight (binary objective) per comment in the visit: an engaged visit is a stronger
    /// signal than a glance.
    /// </summary>
    public double CommentWeight { get; init; } = 0.5;

    /// <summary>Added to a visit's positive weight per purchase in the visit.</summary>
    public double PurchaseWeight { get; init; } = 1.0;

    /// <summary>Cap on a positive's weight, so one binge does not dominate the loss.</summary>
    public double MaxPositiveWeight { get; init; } = 4.0;

    /// <summary>Version written to the manifest; derived from the trainer, data window and model bytes when null.</summary>
    public string? ModelVersion { get; init; }

    public RankerTrainingOptions Validate()
    {
        var errors = new List<string>();
        void Check(bool ok, string message)
        {
            if (!ok)
            {
                errors.Add(message);
            }
        }

        Check(ValidationFraction is > 0 and < 1, $"ValidationFraction must be in (0, 1), got {ValidationFraction}.");
        Check(NegativesPerPositive >= 1, $"NegativesPerPositive must be at least 1, got {NegativesPerPositive}.");
        Check(Trees is >= 1 and <= 10_000, $"Trees must be in [1, 10000], got {Trees}.");
        Check(Leaves is >= 2 and <= 1024, $"Leaves must be in [2, 1024], got {Leaves}.");
        Check(MinExamplesPerLeaf >= 1, $"MinExamplesPerLeaf must be at least 1, got {MinExamplesPerLeaf}.");
        Check(LearningRate is > 0 and <= 1, $"LearningRate must be in (0, 1], got {LearningRate}.");
        Check(RankingLearningRate is > 0 and <= 1, $"RankingLearningRate must be in (0, 1], got {RankingLearningRate}.");
        Check(CommentWeight >= 0 && PurchaseWeight >= 0, "Comment and purchase weights must not be negative.");
        Check(EngagedRelevance is >= 1 and <= 4, $"EngagedRelevance must be in [1, 4] (the trainers' default gains), got {EngagedRelevance}.");
        Check(MaxPositiveWeight >= 1, $"MaxPositiveWeight must be at least 1, got {MaxPositiveWeight}.");
        Check(ModelVersion is null || !string.IsNullOrWhiteSpace(ModelVersion), "ModelVersion must not be blank.");
        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid training options:" + Environment.NewLine + string.Join(Environment.NewLine, errors));
        }

        return this;
    }
}
