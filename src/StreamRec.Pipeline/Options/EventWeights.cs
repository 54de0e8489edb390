namespace StreamRec.Pipeline.Options;

/// <summary>How much one event of each kind counts towards interest, affinity and popularity.</summary>
/// <param name="Click">A click.</param>
/// <param name="Comment">A comment.</param>
/// <param name="Purchase">A purchase.</param>
/// <param name="IntentBoost">
/// Added to <paramref name="Comment"/> for a comment that asks about buying (<see cref="Decoding.CommentIntent"/>):
/// such a question is most of the way to a purchase. 0 treats every comment alike.
/// </param>
public sealed record EventWeights(double Click = 1.0, double Comment = 2.0, double Purchase = 5.0, double IntentBoost = 2.0)
{
    public double Of(Contracts.Events.EventKind kind) => kind switch
    {
        Contracts.Events.EventKind.Click => Click,
        Contracts.Events.EventKind.Comment => Comment,
        Contracts.Events.EventKind.Purchase => Purchase,
        _ => 0,
    };

    /// <summary>The weight of <paramref name="e"/>, its comment intent included.</summary>
    public double Of(in Decoding.EventRecord e) => Of(e.Kind) + (e.Intent && e.Kind == Contracts.Events.EventKind.Comment ? IntentBoost : 0);
}
