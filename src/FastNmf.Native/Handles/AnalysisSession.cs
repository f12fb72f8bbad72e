using FastNmf.Analysis;

namespace FastNmf.Native.Handles;

/// <summary>What one <c>fastnmf_analysis*</c> holds: the (immutable) analysis of diffractions given through the ABI.</summary>
internal sealed class AnalysisSession(AnalysisResult result) : IHandleObject
{
    private int _busy;
    private volatile bool _destroyed;

    public AnalysisResult Result { get; } = result;

    public bool IsDestroyed => _destroyed;

    public bool TryEnter() => Interlocked.CompareExchange(ref _busy, 1, 0) == 0;

    public void Exit() => Volatile.Write(ref _busy, 0);

    public void MarkDestroyed() => _destroyed = true;
}
