namespace StreamRec.Ranking.Training;

/// <summary>One model <see cref="RankerTrainer"/> fits and validates: an objective and a trainer, neither of them auto.</summary>
public readonly record struct RankerCandidate
{
    public RankerCandidate(RankerObjective objective, RankerTrainerKind trainer)
    {
        if (objective == RankerObjective.Auto || trainer == RankerTrainerKind.Auto)
        {
            throw new ArgumentException($"A candidate names one objective and one trainer, got {objective} and {trainer}.");
        }

        Objective = objective;
        Trainer = trainer;
    }

    public RankerObjective Objective { get; }

    public RankerTrainerKind Trainer { get; }

    /// <summary>For reports, metric keys and model versions, for example <c>ranking-lightgbm</c>.</summary>
    public string Name => $"{Objective.ToString().ToLowerInvariant()}-{Trainer.ToString().ToLowerInvariant()}";

    /// <summary>Every candidate <paramref name="objective"/> and <paramref name="trainer"/> stand for, in the order they are tried (and win ties).</summary>
    public static IReadOnlyList<RankerCandidate> All(RankerObjective objective, RankerTrainerKind trainer)
    {
        RankerObjective[] objectives = objective == RankerObjective.Auto ? [RankerObjective.Binary, RankerObjective.Ranking] : [objective];
        RankerTrainerKind[] trainers = trainer == RankerTrainerKind.Auto ? [RankerTrainerKind.FastTree, RankerTrainerKind.LightGbm] : [trainer];
        return [.. objectives.SelectMany(o => trainers.Select(t => new RankerCandidate(o, t)))];
    }

    public override string ToString() => Name;
}
