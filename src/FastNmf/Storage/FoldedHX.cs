using System.Numerics.Tensors;
using FastNmf.Kernels.Reductions;
using FastNmf.Memory;

namespace FastNmf.Storage;

/// <summary>
/// H·X in one call for callers outside a distributed iteration (PCA, benchmarks, tests): the grids are taken from H
/// itself (so the result is reproducible in one process, not shared across ranks) and the accumulators are rented once,
/// for up to <c>maxRows</c> rows, and reused by every call.
/// </summary>
internal sealed unsafe class FoldedHX : IDisposable
{
    private readonly IXOperand _xop;
    private readonly AlignedBuffer<double> _power;
    private readonly AlignedBuffer<double> _acc;

    public FoldedHX(IXOperand xop, int maxRows)
    {
        _xop = xop;
        _power = new AlignedBuffer<double>(Math.Max(1, maxRows), "H·X component grids");
        _acc = new AlignedBuffer<double>(Math.Max(1, xop.AccumulatorLength(maxRows)), "H·X accumulators");
    }

    /// <summary><c>a = H·X</c>.</summary>
    public void Multiply(MatrixView h, MatrixView a)
    {
        for (int c = 0; c < h.Rows; c++)
        {
            float largest = h.Cols > 0 ? Math.Abs(TensorPrimitives.MaxMagnitude(h.Row(c))) : 0f;
            _power.Pointer[c] = ExactFold.PowerAbove(largest);
        }

        _xop.AccumulateHX(h, _power.Pointer, _acc.Pointer);
        _xop.FinishHX(_acc.Pointer, a);
    }

    public void Dispose()
    {
        _power.Dispose();
        _acc.Dispose();
    }
}
