namespace StreamRec.Pipeline.Options;

/// <summary>How much one event of each kind counts towards interest, affinity and popularity.</summary>
public sealed record EventWeights(double Click = 1.0, double Comment = 2.0, double Purchase = 5.0)
{
    public double Of(Contracts.Events.EventKind kind) => kind switch
    {
        Contracts.Events.EventKind.Click => Click,
        Contracts.Events.EventKind.Comment => Comment,
        Contracts.Events.EventKind.Purchase => Purchase,
        _ => 0,
    };
}
