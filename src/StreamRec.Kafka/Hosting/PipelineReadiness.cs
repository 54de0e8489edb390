namespace StreamRec.Kafka.Hosting;

/// <summary>
/// What readiness means for a StreamRec instance: broker reachable, partitions assigned, state restored, model
/// loaded. The job sets these as it starts; <c>/readyz</c> reads them.
/// </summary>
/// <remarks>
/// The job restores durable state before it starts processing and calls <see cref="MarkStateRestored"/> then. The
/// broker counts as reachable from the first metadata answer on, until the source reports an outage.
/// </remarks>
public sealed class PipelineReadiness
{
    private volatile bool _brokerReachable;
    private volatile bool _stateRestored;
    private volatile bool _modelLoaded;
    private volatile bool _stopped;
    private volatile Func<int> _assignedPartitions = static () => 0;
    private volatile Func<bool> _brokersDown = static () => false;
    private volatile Func<bool> _restoring = static () => false;

    public bool BrokerReachable => _brokerReachable && !_brokersDown();

    public int AssignedPartitions => _assignedPartitions();

    public bool StateRestored => _stateRestored;

    public bool ModelLoaded => _modelLoaded;

    /// <summary>True once the stream has ended (drained, failed or stopped); liveness fails then.</summary>
    public bool Stopped => _stopped;

    /// <summary>True while partitions that moved to this instance are being restored from the changelog.</summary>
    public bool Restoring => _restoring();

    public bool IsReady => !_stopped && BrokerReachable && _modelLoaded && _stateRestored && AssignedPartitions > 0 && !Restoring;

    public void MarkBrokerReachable() => _brokerReachable = true;

    public void MarkModelLoaded() => _modelLoaded = true;

    public void MarkStateRestored() => _stateRestored = true;

    public void MarkStopped() => _stopped = true;

    /// <summary>Where an ongoing broker outage is read from (the source's outage monitor).</summary>
    public void TrackOutage(Func<bool> brokersDown) => _brokersDown = brokersDown ?? throw new ArgumentNullException(nameof(brokersDown));

    /// <summary>Where the number of user partitions assigned right now is read from (the source's control).</summary>
    public void TrackAssignment(Func<int> assignedPartitions) => _assignedPartitions = assignedPartitions ?? throw new ArgumentNullException(nameof(assignedPartitions));

    /// <summary>Where a restore from the changelog in progress is read from (the source's control).</summary>
    public void TrackRestoring(Func<bool> restoring) => _restoring = restoring ?? throw new ArgumentNullException(nameof(restoring));

    /// <summary>The checks that fail, in words; empty when ready.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (_stopped)
        {
            problems.Add("the stream has stopped");
        }

        if (!_brokerReachable)
        {
            problems.Add("broker not reached yet");
        }
        else if (_brokersDown())
        {
            problems.Add("brokers unreachable");
        }

        if (AssignedPartitions == 0)
        {
            problems.Add("no partitions assigned");
        }

        if (!_stateRestored)
        {
            problems.Add("state not restored");
        }

        if (Restoring)
        {
            problems.Add("restoring partitions from the changelog");
        }

        if (!_modelLoaded)
        {
            problems.Add("model not loaded");
        }

        return problems;
    }
}
