using System.Runtime.InteropServices;

namespace StreamRec.Kafka.Embedded;

/// <summary>
/// The few librdkafka entry points the embedded broker needs: a client handle to own the mock
/// cluster, and the mock cluster API from <c>rdkafka_mock.h</c>.
/// </summary>
/// <remarks>
/// The mock API is experimental in librdkafka and outside its ABI guarantees, so these signatures
/// are tied to the librdkafka.redist version pinned in Directory.Packages.props (2.16.0).
/// </remarks>
internal static partial class NativeMethods
{
    /// <summary>A logical name that only <see cref="LibrdkafkaLoader"/> resolves, so nothing else probes for it.</summary>
    internal const string LibraryName = "streamrec-librdkafka";

    internal const int ProducerType = 0;
    internal const int ConfOk = 0;
    internal const int NoError = 0;

    [LibraryImport(LibraryName, EntryPoint = "rd_kafka_conf_new")]
    internal static partial nint ConfNew();

    [LibraryImport(LibraryName, EntryPoint = "rd_kafka_conf_destroy")]
    internal static partial void ConfDestroy(nint conf);

    [LibraryImport(LibraryName, EntryPoint = "rd_kafka_conf_set", StringMarshalling = StringMarshalling.Utf8)]
    internal static unsafe partial int ConfSet(nint conf, string name, string value, byte* errstr, nuint errstrSize);

    /// <remarks>Takes ownership of <paramref name="conf"/> only when it returns a handle.</remarks>
    [LibraryImport(LibraryName, EntryPoint = "rd_kafka_new")]
    internal static unsafe partial nint KafkaNew(int type, nint conf, byte* errstr, nuint errstrSize);

    [LibraryImport(LibraryName, EntryPoint = "rd_kafka_destroy")]
    internal static partial void KafkaDestroy(nint rk);

    /// <returns>A static string owned by librdkafka; never freed.</returns>
    [LibraryImport(LibraryName, EntryPoint = "rd_kafka_err2str")]
    internal static partial nint ErrToString(int err);

    [LibraryImport(LibraryName, EntryPoint = "rd_kafka_mock_cluster_new")]
    internal static partial nint MockClusterNew(nint rk, int brokerCount);

    [LibraryImport(LibraryName, EntryPoint = "rd_kafka_mock_cluster_destroy")]
    internal static partial void MockClusterDestroy(nint mcluster);

    /// <returns>A string owned by the cluster, valid until it is destroyed.</returns>
    [LibraryImport(LibraryName, EntryPoint = "rd_kafka_mock_cluster_bootstraps")]
    internal static partial nint MockClusterBootstraps(MockClusterHandle mcluster);

    [LibraryImport(LibraryName, EntryPoint = "rd_kafka_mock_topic_create", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int MockTopicCreate(MockClusterHandle mcluster, string topic, int partitionCount, int replicationFactor);

    [LibraryImport(LibraryName, EntryPoint = "rd_kafka_mock_group_initial_rebalance_delay_ms")]
    internal static partial void MockGroupInitialRebalanceDelayMs(MockClusterHandle mcluster, int delayMs);

    [LibraryImport(LibraryName, EntryPoint = "rd_kafka_mock_broker_set_host_port", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial void MockBrokerSetHostPort(MockClusterHandle mcluster, int brokerId, string host, int port);

    [LibraryImport(LibraryName, EntryPoint = "rd_kafka_mock_broker_set_down")]
    internal static partial int MockBrokerSetDown(MockClusterHandle mcluster, int brokerId);

    [LibraryImport(LibraryName, EntryPoint = "rd_kafka_mock_broker_set_up")]
    internal static partial int MockBrokerSetUp(MockClusterHandle mcluster, int brokerId);

    [LibraryImport(LibraryName, EntryPoint = "rd_kafka_mock_partition_set_leader", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int MockPartitionSetLeader(MockClusterHandle mcluster, string topic, int partition, int brokerId);

    internal static string ErrorText(int err) => Marshal.PtrToStringUTF8(ErrToString(err)) ?? $"error {err}";
}
