using System.Text;
using StreamRec.Pipeline.Options;
using StreamRec.Pipeline.State;

namespace StreamRec.Pipeline.Steps;

/// <summary>
/// Expires the partition's users idle for longer than <see cref="PipelineOptions.UserTtl"/> of event time:
/// each is forgotten as by a <c>user_forget</c> (state deleted, list withdrawn). A scan of the whole store,
/// so the core runs it once per hour of event time, at a tick's close.
/// </summary>
public sealed class UserExpiry(PipelineOptions options, PipelineState state, PartitionState partition, UserForgetting forgetting)
{
    private readonly long _ttl = (long)options.UserTtl.TotalMilliseconds;

    /// <summary>Forgets every user whose latest event is older than <paramref name="clockMs"/> minus the TTL; returns how many.</summary>
    public int Apply(long clockMs)
    {
        if (_ttl == 0)
        {
            return 0;
        }

        var cutoff = clockMs - _ttl;
        var expired = new List<int>();
        foreach (var (key, value) in partition.Users.Store.All())
        {
            if (UserStateCodec.ReadInterestTs(value) < cutoff)
            {
                var id = state.Ids.Users.Find(Encoding.UTF8.GetString(key));
                if (id >= 0)
                {
                    expired.Add(id);
                }
            }
        }

        // In user id order, so the withdrawals leave in the same order whatever the store's iteration order.
        expired.Sort(state.Ids.Users.CompareNames);
        foreach (var id in expired)
        {
            forgetting.Forget(id, clockMs);
        }

        return expired.Count;
    }
}
