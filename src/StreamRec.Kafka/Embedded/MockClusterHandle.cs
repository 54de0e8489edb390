using System.Runtime.InteropServices;

namespace StreamRec.Kafka.Embedded;

/// <summary>
/// Owns a librdkafka mock cluster together with the client handle it was created on, so the two
/// are released in the order librdkafka requires even when the broker is only finalized.
/// </summary>
internal sealed class MockClusterHandle : SafeHandle
{
    private readonly nint _client;

    private MockClusterHandle(nint client, nint cluster)
        : base(invalidHandleValue: 0, ownsHandle: true)
    {
        _client = client;
        SetHandle(cluster);
    }

    public override bool IsInvalid => handle == 0;

    /// <summary>Creates a client handle with <paramref name="settings"/>, then a mock cluster of <paramref name="brokerCount"/> brokers on it.</summary>
    /// <exception cref="InvalidOperationException">librdkafka refused a setting or could not create the client or cluster.</exception>
    public static unsafe MockClusterHandle Create(int brokerCount, IEnumerable<KeyValuePair<string, string>> settings)
    {
        const int ErrorCapacity = 512;
        var error = stackalloc byte[ErrorCapacity];

        var conf = NativeMethods.ConfNew();
        foreach (var (name, value) in settings)
        {
            if (NativeMethods.ConfSet(conf, name, value, error, ErrorCapacity) != NativeMethods.ConfOk)
            {
                NativeMethods.ConfDestroy(conf);
                throw new InvalidOperationException($"librdkafka rejected {name}={value}: {Marshal.PtrToStringUTF8((nint)error)}");
            }
        }

        var client = NativeMethods.KafkaNew(NativeMethods.ProducerType, conf, error, ErrorCapacity);
        if (client == 0)
        {
            NativeMethods.ConfDestroy(conf);
            throw new InvalidOperationException($"librdkafka could not create the mock cluster's client: {Marshal.PtrToStringUTF8((nint)error)}");
        }

        // The cluster's thread starts here and inherits this thread's signal mask.
        var cluster = SignalMask.WithAllBlocked(() => NativeMethods.MockClusterNew(client, brokerCount));
        if (cluster == 0)
        {
            NativeMethods.KafkaDestroy(client);
            throw new InvalidOperationException($"librdkafka could not create a mock cluster of {brokerCount} broker(s); see its log on stderr.");
        }

        return new MockClusterHandle(client, cluster);
    }

    protected override bool ReleaseHandle()
    {
        // The cluster runs on a thread of the client handle, so it has to go first.
        NativeMethods.MockClusterDestroy(handle);
        NativeMethods.KafkaDestroy(_client);
        return true;
    }
}
