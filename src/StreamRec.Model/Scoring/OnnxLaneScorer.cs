using StreamRec.Model.Manifest;

namespace StreamRec.Model.Scoring;

/// <summary>
/// One model opened in several <see cref="OnnxBatchScorer"/>s ("lanes"), each with its own session and buffers: a
/// large call is cut into as many contiguous row ranges, scored at once, the first on the calling thread and each
/// other on a thread of its own.
/// </summary>
/// <remarks>
/// <para>
/// Why not ONNX Runtime's intra-op threads: they split one row's trees and add the partial sums in another order, so
/// scores move in their last bits and a replay's bytes change. A lane scores whole rows with one thread, in the same
/// runs of <see cref="OnnxBatchScorer"/> as a single scorer (ranges start at multiples of its run length), so every
/// row gets exactly the score one lane would give it (tested byte for byte).
/// </para>
/// <para>
/// In the pipeline the partitions' threads wait while the coordinator scores a tick's rows, so a second lane uses a
/// core that would otherwise idle. Calls below <see cref="MinRowsPerLane"/> rows per lane stay on the calling thread.
/// Thread-safety: as <see cref="OnnxBatchScorer"/>, one caller at a time; <see cref="Dispose"/> must not race with
/// <see cref="Score"/>.
/// </para>
/// </remarks>
public sealed class OnnxLaneScorer : IDisposable
{
    /// <summary>Fewest rows worth handing to another thread (a wake costs tens of microseconds; 64 rows cost ~30).</summary>
    public const int MinRowsPerLane = 512;

    private readonly OnnxBatchScorer[] _lanes;
    private readonly LaneThread[] _threads;
    private bool _disposed;

    /// <summary>Opens <paramref name="modelPath"/> once per lane (see <see cref="OnnxBatchScorer(string, IReadOnlyList{string}, OnnxBatchScorerOptions?)"/>).</summary>
    /// <param name="modelPath">The ONNX model, with its manifest beside it.</param>
    /// <param name="expectedFeatureNames">The features the caller will supply in every row, in order.</param>
    /// <param name="lanes">Lanes, at least 1.</param>
    /// <param name="options">Session and buffer settings of every lane.</param>
    public OnnxLaneScorer(string modelPath, IReadOnlyList<string> expectedFeatureNames, int lanes, OnnxBatchScorerOptions? options = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(lanes, 1);
        _lanes = new OnnxBatchScorer[lanes];
        _threads = new LaneThread[lanes - 1];
        try
        {
            for (var i = 0; i < lanes; i++)
            {
                _lanes[i] = new OnnxBatchScorer(modelPath, expectedFeatureNames, options);
            }

            for (var i = 0; i < _threads.Length; i++)
            {
                _threads[i] = new LaneThread(_lanes[i + 1], $"onnx-lane-{i + 1}");
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <inheritdoc cref="OnnxBatchScorer.Manifest"/>
    public ModelManifest Manifest => _lanes[0].Manifest;

    /// <inheritdoc cref="OnnxBatchScorer.Metadata"/>
    public IReadOnlyDictionary<string, string> Metadata => _lanes[0].Metadata;

    /// <inheritdoc cref="OnnxBatchScorer.FeatureCount"/>
    public int FeatureCount => _lanes[0].FeatureCount;

    /// <inheritdoc cref="OnnxBatchScorer.Score"/>
    public void Score(ReadOnlySpan<float> featureRows, int rowCount, Span<float> scores)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var lanes = Math.Clamp(rowCount / MinRowsPerLane, 1, _lanes.Length);
        if (lanes == 1)
        {
            _lanes[0].Score(featureRows, rowCount, scores);
            return;
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(featureRows.Length, rowCount * FeatureCount, nameof(featureRows));
        ArgumentOutOfRangeException.ThrowIfLessThan(scores.Length, rowCount, nameof(scores));

        // Ranges of whole runs, so each lane cuts its rows into the runs a single scorer would. Each other lane gets a
        // copy of its rows (a memcpy, small beside scoring them), so no span crosses a thread.
        var runs = (rowCount + OnnxBatchScorer.RunRows - 1) / OnnxBatchScorer.RunRows;
        var width = FeatureCount;
        int Boundary(int lane) => Math.Min(rowCount, runs * lane / lanes * OnnxBatchScorer.RunRows);
        for (var lane = 1; lane < lanes; lane++)
        {
            var (start, end) = (Boundary(lane), Boundary(lane + 1));
            _threads[lane - 1].Start(featureRows.Slice(start * width, (end - start) * width), end - start);
        }

        var first = Boundary(1);
        Exception? failure = null;
        try
        {
            _lanes[0].Score(featureRows[..(first * width)], first, scores[..first]);
        }
#pragma warning disable CA1031 // Rethrown below, once every lane is done.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            failure = ex;
        }

        for (var lane = 1; lane < lanes; lane++)
        {
            var start = Boundary(lane);
            failure ??= _threads[lane - 1].Wait(scores.Slice(start, Boundary(lane + 1) - start));
        }

        if (failure is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        }
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        foreach (var thread in _threads)
        {
            thread?.Dispose();
        }

        foreach (var lane in _lanes)
        {
            lane?.Dispose();
        }
    }

    /// <summary>A lane's own thread: waits for a range, scores it, signals back.</summary>
    private sealed class LaneThread : IDisposable
    {
        private readonly OnnxBatchScorer _scorer;
        private readonly Thread _thread;
        private readonly SemaphoreSlim _start = new(0, 1);
        private readonly SemaphoreSlim _done = new(0, 1);
        private float[] _rows = [];
        private float[] _scores = [];
        private int _count;
        private Exception? _failure;
        private volatile bool _stopping;

        public LaneThread(OnnxBatchScorer scorer, string name)
        {
            _scorer = scorer;
            _thread = new Thread(Loop) { IsBackground = true, Name = name };
            _thread.Start();
        }

        public void Start(ReadOnlySpan<float> rows, int count)
        {
            if (_rows.Length < rows.Length)
            {
                _rows = new float[rows.Length * 2];
                _scores = new float[count * 2];
            }

            rows.CopyTo(_rows);
            (_count, _failure) = (count, null);
            _start.Release();
        }

        /// <summary>Waits for the range's scores and copies them into <paramref name="scores"/>; the lane's failure, if any.</summary>
        public Exception? Wait(Span<float> scores)
        {
            _done.Wait();
            if (_failure is null)
            {
                _scores.AsSpan(0, _count).CopyTo(scores);
            }

            return _failure;
        }

        public void Dispose()
        {
            _stopping = true;
            _start.Release();
            _thread.Join();
            _start.Dispose();
            _done.Dispose();
        }

        private void Loop()
        {
            while (true)
            {
                _start.Wait();
                if (_stopping)
                {
                    return;
                }

                try
                {
                    _scorer.Score(_rows, _count, _scores);
                }
#pragma warning disable CA1031 // Handed to the caller's thread, which rethrows it.
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    _failure = ex;
                }

                _done.Release();
            }
        }
    }
}
