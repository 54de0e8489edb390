using System.Buffers;
using System.Collections.Concurrent;
using System.Text;
using StreamRec.Pipeline.Features;
using StreamRec.Pipeline.Metrics;
using StreamRec.Pipeline.Options;
using StreamRec.Pipeline.Partitioning;
using StreamRec.Pipeline.State;

namespace StreamRec.Pipeline.Queries;

/// <summary>
/// Interactive queries of user state, in the style of Kafka Streams' interactive queries: a question is queued for
/// the partition that owns the user and answered on that partition's own worker thread at its next tick close,
/// right after its unit of work is committed, so it reads committed state and never races the steps. Nothing is
/// shared with the core but the queue; a question that no tick answers in time fails instead of waiting forever.
/// </summary>
public sealed class UserQueries
{
    private readonly PipelineOptions _options;
    private readonly PipelineState _state;
    private readonly PipelineMetrics _metrics;
    private readonly ConcurrentQueue<Question>[] _questions;
    private readonly Answerer?[] _answerers;
    private int _pending;

    public UserQueries(PipelineOptions options, PipelineState state, PipelineMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(state);
        _options = options;
        _state = state;
        _metrics = metrics;
        _questions = [.. state.Partitions.Select(_ => new ConcurrentQueue<Question>())];
        _answerers = new Answerer?[state.Partitions.Count];
    }

    /// <summary>The user's list and its features; null for a user this instance holds no state of.</summary>
    /// <exception cref="TimeoutException">No tick closed within <paramref name="timeout"/> (the stream is stopped or stalled).</exception>
    public async Task<UserExplanation?> ExplainAsync(string userId, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(userId);
        var question = new Question(userId);
        _questions[UserPartitioner.PartitionOf(userId, _questions.Length)].Enqueue(question);
        Interlocked.Increment(ref _pending);
        return await question.Answer.Task.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The hook: called by a partition's worker on its own thread after each tick's commit.</summary>
    internal void AnswerPending(PartitionState partition)
    {
        if (Volatile.Read(ref _pending) == 0)
        {
            return;
        }

        var queue = _questions[partition.Index];
        while (queue.TryDequeue(out var question))
        {
            Interlocked.Decrement(ref _pending);
            try
            {
                var answerer = _answerers[partition.Index] ??= new Answerer(_options, _state);
                question.Answer.TrySetResult(answerer.Explain(partition, question.UserId, _metrics.EventTime));
            }
            catch (Exception ex) when (ex is InvalidDataException or ArgumentException)
            {
                question.Answer.TrySetException(ex);
            }
        }
    }

    private sealed record Question(string UserId)
    {
        public TaskCompletionSource<UserExplanation?> Answer { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>One per partition, used only on its thread (the feature extractor caches per thread).</summary>
    private sealed class Answerer(PipelineOptions options, PipelineState state)
    {
        private readonly FeatureExtractor _features = new(options, state);
        private readonly UserContext _user = new(options.VectorDimensions);
        private readonly RoomContext _room = new(options.VectorDimensions);
        private readonly UserState _scratch = new(options.VectorDimensions, options.MaxAffinities, options.TopK + options.RankedRunnersUp);
        private readonly ArrayBufferWriter<byte> _read = new(256);
        private readonly float[] _row = new float[FeatureExtractor.Count];

        public UserExplanation? Explain(PartitionState partition, string userId, long now)
        {
            _read.ResetWrittenCount();
            if (!partition.Users.Store.TryGet(Encoding.UTF8.GetBytes(userId), _read))
            {
                return null;
            }

            _scratch.Clear();
            UserStateCodec.Decode(_read.WrittenSpan, _scratch);
            var at = Math.Max(now, _scratch.RankedAt);
            _features.PrepareUser(_scratch, at, _user);
            var rooms = new List<ExplainedRoom>(_scratch.RankedCount);
            var ranked = _scratch.Ranked;
            for (var i = 0; i < ranked.Length && i < options.TopK; i++)
            {
                var room = state.Rooms.FindRoom(ranked[i].Room);
                var features = new Dictionary<string, float>(StringComparer.Ordinal);
                if (room is not null)
                {
                    _features.PrepareRoom(room, at, _room);
                    FeatureExtractor.Extract(_user, _room, _row);
                    for (var f = 0; f < _row.Length; f++)
                    {
                        features[FeatureExtractor.FeatureNames[f]] = _row[f];
                    }
                }

                rooms.Add(new ExplainedRoom
                {
                    Rank = i + 1,
                    RoomId = state.Ids.Rooms.NameOf(ranked[i].Room),
                    StreamerId = room is { Streamer: >= 0 } ? state.Ids.Streamers.NameOf(room.Streamer) : null,
                    Live = room is { IsLive: true },
                    Score = ranked[i].Score,
                    Features = features,
                });
            }

            return new UserExplanation { UserId = userId, At = at, RankedAt = _scratch.RankedAt, Seq = _scratch.Seq, Rooms = rooms };
        }
    }
}
