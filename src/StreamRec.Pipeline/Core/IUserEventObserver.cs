using StreamRec.Pipeline.Decoding;
using StreamRec.Pipeline.State;

namespace StreamRec.Pipeline.Core;

/// <summary>
/// Sees each user event just before the steps apply it, with the user's state as it was (null for a user
/// never seen). Offline training and evaluation build their cases here, from exactly the online state.
/// </summary>
public interface IUserEventObserver
{
    void BeforeUserEvent(in EventRecord e, UserState? user);
}
