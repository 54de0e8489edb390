namespace StreamRec.Kafka.Consuming;

/// <summary>The time rules of the event-time merge, taken from the Kafka and pipeline options.</summary>
/// <param name="MergeWait">How long to wait for a partition that may hold a slightly older record.</param>
/// <param name="IdleTimeout">How long a partition with nothing buffered holds the watermark back before it counts as idle.</param>
/// <param name="MaxDrift">How far ahead of the watermark records are taken while a partition that holds it back is empty.</param>
/// <param name="MaxLead">How far ahead of the watermark a record may be before it is taken as far ahead (it does not move it).</param>
/// <param name="JumpRecords">Consecutive far-ahead records of a partition that show its event time really moved on.</param>
/// <param name="IdleWatermarkAfter">Wall time with no input at all after which event time advances with the wall clock.</param>
/// <param name="CheckpointHeartbeat">With durable state, how often the positions are sent while no record is taken (null: never).</param>
internal sealed record MergeTiming(
    TimeSpan MergeWait, TimeSpan IdleTimeout, TimeSpan MaxDrift, TimeSpan MaxLead, int JumpRecords, TimeSpan IdleWatermarkAfter, TimeSpan? CheckpointHeartbeat = null);
