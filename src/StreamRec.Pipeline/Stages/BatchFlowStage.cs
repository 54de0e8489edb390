using Akka.Streams;
using Akka.Streams.Stage;

namespace StreamRec.Pipeline.Stages;

/// <summary>
/// Blueprint of a one-in, one-out pipeline step over batches. Subclasses stay immutable and create their
/// mutable per-materialization state in <see cref="CreateOwnedStep"/>, which runs once per materialization.
/// When upstream finishes, the step's optional finish function may emit one last element.
/// </summary>
internal abstract class BatchFlowStage<TIn, TOut> : GraphStage<FlowShape<TIn, TOut>>
    where TOut : class
{
    private readonly string _name;

    protected BatchFlowStage(string name)
    {
        _name = name;
        Shape = new FlowShape<TIn, TOut>(new Inlet<TIn>(name + ".in"), new Outlet<TOut>(name + ".out"));
    }

    public override FlowShape<TIn, TOut> Shape { get; }

    protected override Attributes InitialAttributes => Attributes.CreateName(_name);

    /// <summary>
    /// Creates the step function with its own state, what it emits last when the input ends (null for nothing),
    /// and what it owns (disposed when the stage stops), if anything.
    /// </summary>
    protected abstract (Func<TIn, TOut> Step, Func<TOut?>? Finish, IDisposable? Owned) CreateOwnedStep();

    protected override GraphStageLogic CreateLogic(Attributes inheritedAttributes)
    {
        var (step, finish, owned) = CreateOwnedStep();
        return new Logic(Shape, step, finish, owned);
    }

    private sealed class Logic : InAndOutGraphStageLogic
    {
        private readonly FlowShape<TIn, TOut> _shape;
        private readonly Func<TIn, TOut> _step;
        private readonly Func<TOut?>? _finish;
        private readonly IDisposable? _owned;

        public Logic(FlowShape<TIn, TOut> shape, Func<TIn, TOut> step, Func<TOut?>? finish, IDisposable? owned)
            : base(shape)
        {
            _shape = shape;
            _step = step;
            _finish = finish;
            _owned = owned;
            SetHandler(shape.Inlet, this);
            SetHandler(shape.Outlet, this);
        }

        public override void OnPush() => Push(_shape.Outlet, _step(Grab(_shape.Inlet)));

        public override void OnPull() => Pull(_shape.Inlet);

        public override void OnUpstreamFinish()
        {
            if (_finish?.Invoke() is { } last)
            {
                Emit(_shape.Outlet, last, CompleteStage);
                return;
            }

            CompleteStage();
        }

        public override void PostStop() => _owned?.Dispose();
    }
}
