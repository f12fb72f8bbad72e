using FastNmf.Live;

namespace FastNmf.Native.Handles;

/// <summary>What one <c>fastnmf_live*</c> holds: a live projection of a scan (its planes, its projectors). One call at
/// a time: a host that pushes from one thread and reads snapshots from another serialises the two (BUSY otherwise).</summary>
internal sealed class LiveSession(LiveProjection projection) : IHandleObject
{
    private int _busy;
    private volatile bool _destroyed;

    public LiveProjection Projection { get; } = projection;

    public bool IsDestroyed => _destroyed;

    public bool TryEnter() => Interlocked.CompareExchange(ref _busy, 1, 0) == 0;

    public void Exit() => Volatile.Write(ref _busy, 0);

    public void MarkDestroyed()
    {
        _destroyed = true;
        Projection.Dispose();
    }
}
