using StreamRec.Pipeline.Decoding;
using StreamRec.Pipeline.State;

namespace StreamRec.Pipeline.Steps;

/// <summary>
/// One step applied to each user event, inside the user's partition, in the order <see cref="Core.StreamCore"/>
/// defines. The user's working copy is the one every step of the batch shares.
/// </summary>
public interface IUserEventStep
{
    void Apply(in EventRecord e, UserState user);
}
