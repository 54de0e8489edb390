using StreamRec.Contracts.Events;

namespace StreamRec.Ranking.Offline;

/// <summary>Receives what <see cref="InteractionReplayer"/> finds in a log, in event-time order.</summary>
public interface IInteractionObserver
{
    /// <summary>A visit started with a click; called before the click is applied to the state.</summary>
    void OnCase(InteractionCase interaction);

    /// <summary>A later event of the visit that <paramref name="caseId"/> started (another click, a comment, a purchase).</summary>
    void OnVisitEngagement(int caseId, EventKind kind);
}
