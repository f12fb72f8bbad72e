namespace FastNmf.Native.Handles;

/// <summary>What one <c>fastnmf_model*</c> holds: the (shared, immutable) model and this handle's projector scratch,
/// so a handle serves one call at a time and two handles of one model can project on two threads.</summary>
internal sealed class ModelSession(NmfModel model) : IHandleObject
{
    private int _busy;
    private volatile bool _destroyed;
    private ModelProjector? _projector;

    public NmfModel Model { get; } = model;

    public bool IsDestroyed => _destroyed;

    /// <summary>The projector, created on first use (scratch for 256 frames per step).</summary>
    public ModelProjector Projector => _projector ??= Model.CreateProjector();

    public bool TryEnter() => Interlocked.CompareExchange(ref _busy, 1, 0) == 0;

    public void Exit() => Volatile.Write(ref _busy, 0);

    public void MarkDestroyed()
    {
        _destroyed = true;
        _projector?.Dispose();
        _projector = null;
    }
}
