using System.Runtime.InteropServices;

namespace StreamRec.Kafka.Embedded;

/// <summary>
/// Blocks every signal on the calling thread for a scope, so a thread started inside it inherits the mask.
/// The mock cluster's thread polls its sockets and exits on any poll error, EINTR included: a signal the runtime
/// handles (SIGCONT after Ctrl+Z and fg, SIGCHLD, SIGWINCH) landing on it killed the broker while its port stayed
/// open. librdkafka blocks signals on its own threads the same way; it does not for the mock cluster's.
/// </summary>
internal static partial class SignalMask
{
    // sigset_t is 128 bytes on Linux (glibc and musl) and 4 on macOS; the larger buffer serves both.
    private const int SigsetBytes = 128;

    /// <summary>Runs <paramref name="create"/> with all signals blocked on this thread, then restores the mask.</summary>
    public static unsafe T WithAllBlocked<T>(Func<T> create)
    {
        var (block, setMask) = OperatingSystem.IsLinux() ? (0, 2) : OperatingSystem.IsMacOS() ? (1, 3) : (-1, -1);
        if (block < 0)
        {
            return create();
        }

        var all = stackalloc byte[SigsetBytes];
        var previous = stackalloc byte[SigsetBytes];
        if (SigFillSet(all) != 0 || PthreadSigmask(block, all, previous) != 0)
        {
            return create();
        }

        try
        {
            return create();
        }
        finally
        {
            _ = PthreadSigmask(setMask, previous, null);
        }
    }

    [LibraryImport("libc", EntryPoint = "sigfillset")]
    private static unsafe partial int SigFillSet(byte* set);

    [LibraryImport("libc", EntryPoint = "pthread_sigmask")]
    private static unsafe partial int PthreadSigmask(int how, byte* set, byte* oldSet);
}
