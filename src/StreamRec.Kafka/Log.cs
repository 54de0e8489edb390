using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace StreamRec.Kafka;

/// <summary>Every log message of the Kafka edges, with its event id, in one place.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "{Consumer}: assigned {Partitions}")]
    public static partial void Assigned(ILogger logger, string consumer, IEnumerable<TopicPartition> partitions);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Information, Message = "{Consumer}: revoked {Partitions}")]
    public static partial void Revoked(ILogger logger, string consumer, IEnumerable<TopicPartition> partitions);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Warning, Message = "{Consumer}: lost {Partitions}; their unacknowledged records will be processed again by the new owner")]
    public static partial void Lost(ILogger logger, string consumer, IEnumerable<TopicPartition> partitions);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Warning, Message = "{Consumer}: commit of {Offsets} failed, retried with the next commit: {Error}")]
    public static partial void CommitFailed(ILogger logger, string consumer, string offsets, string error);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Debug, Message = "{Consumer}: committed {Offsets}")]
    public static partial void Committed(ILogger logger, string consumer, string offsets);

    [LoggerMessage(EventId = 3006, Level = LogLevel.Warning, Message = "{Client}: {Error} ({Code})")]
    public static partial void ClientError(ILogger logger, string client, string error, ErrorCode code);

    [LoggerMessage(EventId = 3016, Level = LogLevel.Warning, Message = "{Client}: {Error} ({Code}); {Suppressed} more like it in the last {Interval}")]
    private static partial void ClientErrorRepeated(ILogger logger, string client, string error, ErrorCode code, long suppressed, TimeSpan interval);

    /// <summary>A non-fatal client error, at most once per interval per error code (with the count of those held back).</summary>
    public static void ClientError(ILogger logger, LogThrottle throttle, string client, Error error)
    {
        if (!throttle.ShouldLog($"error:{error.Code}", out var suppressed))
        {
            return;
        }

        if (suppressed == 0)
        {
            ClientError(logger, client, error.Reason, error.Code);
        }
        else
        {
            ClientErrorRepeated(logger, client, error.Reason, error.Code, suppressed, throttle.Interval);
        }
    }

    [LoggerMessage(EventId = 3017, Message = "{Client} [{Facility}] {Text} ({Suppressed} more like it in the last {Interval})")]
    private static partial void LibrdkafkaRepeated(ILogger logger, LogLevel level, string client, string facility, string text, long suppressed, TimeSpan interval);

    /// <summary>A librdkafka log line, at most once per interval per facility and level (reconnect attempts repeat endlessly).</summary>
    public static void Librdkafka(ILogger logger, LogThrottle throttle, string client, LogMessage message)
    {
        var level = LevelOf(message.Level);
        if (!logger.IsEnabled(level) || !throttle.ShouldLog($"log:{message.Facility}:{level}", out var suppressed))
        {
            return;
        }

        if (suppressed == 0)
        {
            Librdkafka(logger, level, client, message.Facility, message.Message);
        }
        else
        {
            LibrdkafkaRepeated(logger, level, client, message.Facility, message.Message, suppressed, throttle.Interval);
        }
    }

    [LoggerMessage(EventId = 3018, Level = LogLevel.Information, Message = "{Consumer}: brokers answer again")]
    public static partial void BrokersBack(ILogger logger, string consumer);

    [LoggerMessage(EventId = 3019, Level = LogLevel.Warning, Message = "{Consumer}: closing the consumer failed: {Error}")]
    public static partial void CloseFailed(ILogger logger, string consumer, string error);

    [LoggerMessage(EventId = 3020, Level = LogLevel.Warning,
        Message = "{Consumer}: waiting {Seconds} s for group '{Group}' to assign partitions. A member that stopped without leaving the group (killed, or still shutting down) keeps its partitions until its session times out (session.timeout.ms = {SessionTimeoutMs}); with Kafka:GroupInstanceId set, a restarted instance gets its partitions back at once")]
    public static partial void WaitingForAssignment(ILogger logger, string consumer, long seconds, string group, int sessionTimeoutMs);

    [LoggerMessage(EventId = 3007, Level = LogLevel.Error, Message = "{Client}: fatal error, stopping: {Error} ({Code})")]
    public static partial void FatalError(ILogger logger, string client, string error, ErrorCode code);

    [LoggerMessage(EventId = 3008, Message = "{Client} [{Facility}] {Text}")]
    private static partial void Librdkafka(ILogger logger, LogLevel level, string client, string facility, string text);

    /// <summary>Routes a librdkafka log line to <paramref name="logger"/> at the matching level.</summary>
    public static void Librdkafka(ILogger logger, string client, LogMessage message)
    {
        var level = LevelOf(message.Level);
        Librdkafka(logger, level, client, message.Facility, message.Message);
    }

    [LoggerMessage(EventId = 3015, Level = LogLevel.Warning, Message = "{Unroutable} unroutable line(s) went to {Topic} unkeyed; {TooLarge} line(s) over {Max} bytes were not sent")]
    public static partial void ProduceSkipped(ILogger logger, long unroutable, string topic, long tooLarge, int max);

    [LoggerMessage(EventId = 3009, Level = LogLevel.Information, Message = "{Consumer}: closed after committing {Offsets}")]
    public static partial void Closed(ILogger logger, string consumer, string offsets);

    [LoggerMessage(EventId = 3010, Level = LogLevel.Warning, Message = "Metrics snapshot to {Topic} was not delivered: {Error}")]
    public static partial void MetricsNotDelivered(ILogger logger, string topic, string error);

    [LoggerMessage(EventId = 3011, Level = LogLevel.Information, Message = "Stopping: draining in-flight batches (at most {Timeout})")]
    public static partial void Draining(ILogger logger, TimeSpan timeout);

    [LoggerMessage(EventId = 3012, Level = LogLevel.Error, Message = "Draining did not finish within {Timeout}; offsets of unfinished batches are not committed and will be processed again")]
    public static partial void DrainTimedOut(ILogger logger, TimeSpan timeout);

    [LoggerMessage(EventId = 3021, Level = LogLevel.Error, Message = "The consumers did not close within {Timeout}; uncommitted offsets will be processed again")]
    public static partial void CloseTimedOut(ILogger logger, TimeSpan timeout);

    [LoggerMessage(EventId = 3022, Level = LogLevel.Warning, Message = "{Left} produced message(s) were not delivered; their input offsets were not committed, so they are produced again after a restart")]
    public static partial void ProducerAbandoned(ILogger logger, int left);

    [LoggerMessage(EventId = 3013, Level = LogLevel.Error, Message = "The Kafka pipeline failed")]
    public static partial void PipelineFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 3014, Level = LogLevel.Information, Message = "Kafka pipeline started: instance {Instance}, group {Group}, bootstrap {Bootstrap}")]
    public static partial void Started(ILogger logger, string instance, string group, string bootstrap);

    [LoggerMessage(EventId = 3023, Level = LogLevel.Warning, Message = "{Consumer}: {Partition} resumed at stored offset {Stored}, but the broker's log now starts at {LogStart}: {Skipped} record(s) were deleted by retention before this instance read them, so the state misses their effect")]
    public static partial void SkippedByRetention(ILogger logger, string consumer, string partition, long stored, long logStart, long skipped);

    [LoggerMessage(EventId = 3040, Level = LogLevel.Information, Message = "Durable state opened in {Seconds:F1} s: restored {Restored}, {Positions} stored input positions, {Users} users, {Outbox} deltas to produce again first")]
    public static partial void StateOpened(ILogger logger, double seconds, bool restored, int positions, long users, int outbox);

    [LoggerMessage(EventId = 3041, Level = LogLevel.Information, Message = "Changelog: partition {Partition} restored from {Topic} before its input: {Records} record(s) up to offset {End} in {Seconds:F2} s")]
    public static partial void ChangelogRestored(ILogger logger, int partition, string topic, int records, long end, double seconds);

    [LoggerMessage(EventId = 3042, Level = LogLevel.Information, Message = "Changelog: partition {Partition} kept, its state is up to date with {Topic} (offset {End})")]
    public static partial void ChangelogKept(ILogger logger, int partition, string topic, long end);

    [LoggerMessage(EventId = 3051, Level = LogLevel.Warning, Message = "Exchange: revoked partitions' last contributions were not acknowledged within {Seconds} s; a tick the next owner also counts may be counted twice")]
    public static partial void ExchangeNotDelivered(ILogger logger, double seconds);

    [LoggerMessage(EventId = 3043, Level = LogLevel.Information, Message = "Changelog: partition(s) {Partitions} moved to another instance; their users leave this one's memory and store")]
    public static partial void ChangelogDropped(ILogger logger, IReadOnlyList<int> partitions);

    [LoggerMessage(EventId = 3044, Level = LogLevel.Warning, Message = "Changelog: {Topic}[{Partition}] starts at offset {LogStart}, not 0: retention deleted records a restore needs (the embedded broker keeps only the newest ~5 MB per partition; real Kafka must compact this topic, not delete from it)")]
    public static partial void ChangelogTruncated(ILogger logger, string topic, int partition, long logStart);

    [LoggerMessage(EventId = 3045, Level = LogLevel.Information, Message = "Seq fence: partition {Partition} read {Topic} from offset {From} to {End} ({Origin}): {Users} user(s) continue after the highest seq found")]
    public static partial void SeqFenceRead(ILogger logger, int partition, string topic, long from, long end, string origin, int users);

    [LoggerMessage(EventId = 3046, Level = LogLevel.Warning, Message = "Seq fence: {Topic}[{Partition}] starts at offset {LogStart}, past the fence at {Origin}: retention deleted {Skipped} delta(s) the previous owner may have sent after its last checkpoint, so a seq of theirs may be sent again with another list")]
    public static partial void SeqFenceTruncated(ILogger logger, string topic, int partition, long origin, long logStart, long skipped);

    [LoggerMessage(EventId = 3047, Level = LogLevel.Information, Message = "Changelog: partition {Partition} brought up to date from {Topic} on top of the local store: {Records} record(s) from offset {From} to {End} in {Seconds:F2} s")]
    public static partial void ChangelogTailRestored(ILogger logger, int partition, string topic, int records, long from, long end, double seconds);

    [LoggerMessage(EventId = 3048, Level = LogLevel.Information, Message = "Changelog: partition {Partition}'s local state is not used, it is restored from the start of {Topic}: {Reason}")]
    public static partial void ChangelogFullRestore(ILogger logger, int partition, string topic, string reason);

    [LoggerMessage(EventId = 3049, Level = LogLevel.Warning, Message = "Changelog: partition {Partition}'s tail in {Topic} ({Records} record(s) from offset {From} to {End}) was written by this state directory after its last commit (stopped between a checkpoint's append and its commit): kept at the local checkpoint, which the input resumes from; those users are written again at the next checkpoint")]
    public static partial void ChangelogTailSuperseded(ILogger logger, int partition, string topic, int records, long from, long end);

    [LoggerMessage(EventId = 3050, Level = LogLevel.Error, Message = "The room-aggregate exchange reader of {Topic} stopped")]
    public static partial void ExchangeReaderFailed(ILogger logger, Exception error, string topic);

    public static LogLevel LevelOf(SyslogLevel level) => level switch
    {
        SyslogLevel.Emergency or SyslogLevel.Alert or SyslogLevel.Critical or SyslogLevel.Error => LogLevel.Error,
        SyslogLevel.Warning => LogLevel.Warning,
        SyslogLevel.Notice or SyslogLevel.Info => LogLevel.Information,
        _ => LogLevel.Debug,
    };
}
