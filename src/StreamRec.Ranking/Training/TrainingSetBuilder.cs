using StreamRec.Contracts.Events;
using StreamRec.Ranking.Offline;

namespace StreamRec.Ranking.Training;

/// <summary>
/// Turns replayed visits into labelled rows: before the split, the clicked room (positive, weighted up and graded
/// <see cref="RankerTrainingOptions.EngagedRelevance"/> when the visit went on to comments or purchases) and a seeded
/// sample of the other live rooms (negatives), all in one group per visit for the ranking objective; after it, whole
/// visits for validation.
/// </summary>
internal sealed class TrainingSetBuilder(long splitTs, RankerTrainingOptions options) : IInteractionObserver
{
    private readonly Dictionary<int, int> _positiveRow = [];
    private int[] _others = new int[256];

    public List<TrainingExample> Examples { get; } = [];

    public ValidationSet Validation { get; } = new();

    public int TrainingCases { get; private set; }

    public long FirstTrainingTs { get; private set; } = long.MaxValue;

    public long LastTrainingTs { get; private set; } = long.MinValue;

    public void OnCase(InteractionCase interaction)
    {
        if (interaction.Ts >= splitTs)
        {
            Validation.Add(interaction);
            return;
        }

        TrainingCases++;
        FirstTrainingTs = Math.Min(FirstTrainingTs, interaction.Ts);
        LastTrainingTs = Math.Max(LastTrainingTs, interaction.Ts);
        _positiveRow[interaction.Id] = Examples.Count;
        var group = (uint)TrainingCases;
        Examples.Add(new TrainingExample { Features = interaction.TargetFeatures.ToArray(), Label = true, Weight = 1, Relevance = 1, GroupId = group });

        // Partial Fisher-Yates over the rooms not clicked.
        var n = 0;
        if (_others.Length < interaction.Count)
        {
            _others = new int[interaction.Count * 2];
        }

        for (var i = 0; i < interaction.Count; i++)
        {
            if (i != interaction.TargetIndex)
            {
                _others[n++] = i;
            }
        }

        var random = new SplitMix64((ulong)options.Seed ^ ((ulong)(interaction.Id + 1) * 0xD1B54A32D192ED03UL));
        var take = Math.Min(options.NegativesPerPositive, n);
        for (var k = 0; k < take; k++)
        {
            var pick = k + random.Next(n - k);
            (_others[k], _others[pick]) = (_others[pick], _others[k]);
            Examples.Add(new TrainingExample { Features = interaction.Row(_others[k]).ToArray(), Label = false, Weight = 1, Relevance = 0, GroupId = group });
        }
    }

    public void OnVisitEngagement(int caseId, EventKind kind)
    {
        if (!_positiveRow.TryGetValue(caseId, out var row))
        {
            return;
        }

        var extra = kind switch
        {
            EventKind.Comment => options.CommentWeight,
            EventKind.Purchase => options.PurchaseWeight,
            _ => 0,
        };
        var example = Examples[row];
        example.Weight = (float)Math.Min(options.MaxPositiveWeight, example.Weight + extra);
        if (kind is EventKind.Comment or EventKind.Purchase)
        {
            example.Relevance = options.EngagedRelevance;
        }
    }
}
