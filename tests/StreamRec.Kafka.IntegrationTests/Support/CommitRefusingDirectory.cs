using StreamRec.Pipeline.State;

namespace StreamRec.Kafka.IntegrationTests.Support;

/// <summary>
/// A state directory that stands for a process killed between a checkpoint's changelog append and its local commit.
/// Commits after which the changelog (<paramref name="changelogEnds"/>: its end offset per partition) has not grown
/// go through, and so do the first <paramref name="appends"/> that follow an append; from the next such one on, no
/// commit writes anything, as if the process had died there. What the refused commits carried is never written: the
/// store below is disposed with it pending.
/// </summary>
internal sealed class CommitRefusingDirectory(IStateDirectory inner, int appends, Func<long[]> changelogEnds) : IStateDirectory
{
    private int _appends;

    /// <summary>The changelog's ends at the first refused commit, or null while none was refused.</summary>
    public long[]? RefusedAt { get; private set; }

    /// <summary>The changelog's ends at the last commit that went through (at first, when this was made): what the store accounts for.</summary>
    public long[] CommittedEnds { get; private set; } = changelogEnds();

    public IKeyValueStore OpenKeyValueStore(string name) => inner.OpenKeyValueStore(name);

    public void Commit()
    {
        if (RefusedAt is null)
        {
            var ends = changelogEnds();
            if (ends.SequenceEqual(CommittedEnds) || ++_appends <= appends)
            {
                inner.Commit();
                CommittedEnds = ends;
                return;
            }

            RefusedAt = ends;
        }

        throw new IOException("The process is gone: this commit never happens.");
    }

    public void Compact()
    {
        if (RefusedAt is null)
        {
            inner.Compact();
        }
    }

    public void Dispose() => inner.Dispose();
}
