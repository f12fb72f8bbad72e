using System.Numerics.Tensors;
using FastNmf.Kernels.Reductions;
using FastNmf.Memory;

namespace FastNmf.Storage;

/// <summary>
/// H·X in one call for callers outside the solver's iteration (PCA, benchmarks, tests): the grids are taken from H
/// itself — its largest values over every rank of <c>comm</c> — and the accumulators, summed over the ranks, are rented
/// once for up to <c>maxRows</c> rows and reused by every call. The result is the same on every rank and for any split.
/// </summary>
internal sealed unsafe class FoldedHX : IDisposable
{
    private readonly IXOperand _xop;
    private readonly Distributed.Communicator _comm;
    private readonly AlignedBuffer<double> _power;
    private readonly AlignedBuffer<double> _acc;

    public FoldedHX(IXOperand xop, int maxRows, Distributed.Communicator? comm = null)
    {
        _xop = xop;
        _comm = comm ?? Distributed.Communicator.Single;
        _power = new AlignedBuffer<double>(Math.Max(1, maxRows), "H·X component grids");
        _acc = new AlignedBuffer<double>(Math.Max(1, xop.AccumulatorLength(maxRows)), "H·X accumulators");
    }

    /// <summary><c>a = H·X</c>.</summary>
    public void Multiply(MatrixView h, MatrixView a)
    {
        var power = new Span<double>(_power.Pointer, h.Rows);
        for (int c = 0; c < h.Rows; c++)
        {
            power[c] = h.Cols > 0 ? Math.Abs(TensorPrimitives.MaxMagnitude(h.Row(c))) : 0f;
        }

        _comm.AllreduceMax(power);
        for (int c = 0; c < h.Rows; c++)
        {
            power[c] = ExactFold.PowerAbove(power[c]);
        }

        _xop.AccumulateHX(h, _power.Pointer, _acc.Pointer);
        _comm.AllreduceSum(new Span<double>(_acc.Pointer, checked((int)_xop.AccumulatorLength(h.Rows))));
        _xop.FinishHX(_acc.Pointer, a);
    }

    public void Dispose()
    {
        _power.Dispose();
        _acc.Dispose();
    }
}
