using Akka.Streams;
using Akka.Streams.Stage;

namespace StreamRec.Pipeline.Stages;

/// <summary>
/// Blueprint of a one-in, one-out pipeline step over batches. Subclasses stay immutable and create their
/// mutable per-materialization state in <see cref="CreateOwnedStep"/>, which runs once per materialization.
/// </summary>
internal abstract class BatchFlowStage<TIn, TOut> : GraphStage<FlowShape<TIn, TOut>>
{
    private readonly string _name;

    protected BatchFlowStage(string name)
    {
        _name = name;
        Shape = new FlowShape<TIn, TOut>(new Inlet<TIn>(name + ".in"), new Outlet<TOut>(name + ".out"));
    }

    public override FlowShape<TIn, TOut> Shape { get; }

    protected override Attributes InitialAttributes => Attributes.CreateName(_name);

    /// <summary>Creates the step function with its own state, and what it owns (disposed when the stage stops), if anything.</summary>
    protected abstract (Func<TIn, TOut> Step, IDisposable? Owned) CreateOwnedStep();

    protected override GraphStageLogic CreateLogic(Attributes inheritedAttributes)
    {
        var (step, owned) = CreateOwnedStep();
        return new Logic(Shape, step, owned);
    }

    private sealed class Logic : InAndOutGraphStageLogic
    {
        private readonly FlowShape<TIn, TOut> _shape;
        private readonly Func<TIn, TOut> _step;
        private readonly IDisposable? _owned;

        public Logic(FlowShape<TIn, TOut> shape, Func<TIn, TOut> step, IDisposable? owned)
            : base(shape)
        {
            _shape = shape;
            _step = step;
            _owned = owned;
            SetHandler(shape.Inlet, this);
            SetHandler(shape.Outlet, this);
        }

        public override void OnPush() => Push(_shape.Outlet, _step(Grab(_shape.Inlet)));

        public override void OnPull() => Pull(_shape.Inlet);

        public override void PostStop() => _owned?.Dispose();
    }
}
