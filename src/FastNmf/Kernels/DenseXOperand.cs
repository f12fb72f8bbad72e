using FastNmf.Data;
using FastNmf.Factorization;
using FastNmf.Kernels.Gemm;
using FastNmf.Kernels.Threading;
using FastNmf.Memory;

namespace FastNmf.Kernels;

/// <summary>Dense float32 X (frame-major) with the <see cref="IFactorProducts"/> kernels, parallel over detector
/// columns (H·X) and frames (W·Xᵀ) on the worker team.</summary>
internal sealed class DenseXOperand(UnfoldedData x, IFactorProducts products, WorkerTeam team, int maxRows) : IXOperand
{
    private readonly ProductWork _work = new(products);

    public string Description => $"dense float32, {products.Name}";

    public int MaxRows => maxRows;

    public void MultiplyHX(MatrixView h, MatrixView acc)
    {
        for (int r = 0; r < acc.Rows; r++)
        {
            acc.Row(r).Clear();
        }

        if (products.ThreadsItself)
        {
            products.AccumulateHX(h, x.Frames, acc);
            return;
        }

        _work.HX.H = h;
        _work.HX.X = x.Frames;
        _work.HX.Acc = acc;
        team.Run(_work.HX, ProductWork.Chunks(x.NUv));
    }

    public void MultiplyWX(MatrixView w, MatrixView dst)
    {
        if (products.ThreadsItself)
        {
            products.ProjectWX(w, x.Frames, dst);
            return;
        }

        _work.WX.W = w;
        _work.WX.X = x.Frames;
        _work.WX.Dst = dst;
        team.Run(_work.WX, x.NXy, 16);
    }

    public void Dispose()
    {
        // X belongs to the caller.
    }
}
