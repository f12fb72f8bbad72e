using System.Numerics.Tensors;
using FastNmf.Constraints;
using FastNmf.Data;
using FastNmf.Kernels.Dense;
using FastNmf.Kernels.Threading;
using FastNmf.Memory;

namespace FastNmf;

/// <summary>
/// A whole data set projected onto a model: frames split across the team (one pass over X: b, the solve and ‖x‖²),
/// then the map constraint over the complete maps, then every frame's residual from its final h.
/// </summary>
internal static unsafe class ScanProjection
{
    public static Projection Run(NmfModel model, UnfoldedData x, int threads)
    {
        ArgumentNullException.ThrowIfNull(x);
        model.CheckGeometry(x.Pixels, "X");
        int k = model.Components, n = x.NXy;
        using var b = new AlignedBuffer<float>(Math.Max(1, (long)k * n), "projection W·Xᵀ");
        using var raw = new AlignedBuffer<float>(Math.Max(1, (long)k * n), "projection (WᵀW)⁻¹W·Xᵀ");
        var h = new float[k * n];
        var squares = new double[n];
        var residual = new double[n];
        MatrixView bv = MatrixView.Over(b, k, n, n), rv = MatrixView.Over(raw, k, n, n);
        using var team = new WorkerTeam(threads);
        team.Run(new SolveWork(model, x, bv, rv, squares), n, 64);

        bool smooth = model.MapConstraint == MapConstraint.Convolution && x.Slab.IsWhole;
        Span<float> all = new(raw.Pointer, k * n);
        if (smooth)
        {
            new MapSmoothing(model.MapKernel, x.ScanRows, x.ScanCols, model.Kernels.Convolution).Convolve(all, h, k);
            TensorPrimitives.Max(h, 0f, h);
        }
        else if (model.MapConstraint == MapConstraint.None)
        {
            all.CopyTo(h);
        }
        else
        {
            TensorPrimitives.Max(all, 0f, h);
        }

        fixed (float* hp = h)
        {
            team.Run(new ResidualWork(model, bv, new MatrixView(hp, k, n, n), squares, residual), n, 256);
        }

        return new Projection(h, residual, k, x.ScanRows, x.ScanCols, x.NUv, smooth);
    }

    private sealed class SolveWork(NmfModel model, UnfoldedData x, MatrixView b, MatrixView raw, double[] squares) : ITeamWork
    {
        public void Execute(int part, int start, int end)
        {
            int count = end - start;
            if (x.IsUInt16)
            {
                FrameProjection.Solve<ushort, UInt16Element>(model, model.Kernels.DenseWidth, x.Counts!.Frame(start), x.Counts.Stride, count,
                    b.ColumnSlice(start, count), raw.ColumnSlice(start, count), squares.AsSpan(start, count));
            }
            else
            {
                MatrixView f = x.Frames;
                FrameProjection.Solve<float, Float32Element>(model, model.Kernels.DenseWidth, f.RowPointer(start), f.Stride, count,
                    b.ColumnSlice(start, count), raw.ColumnSlice(start, count), squares.AsSpan(start, count));
            }
        }
    }

    private sealed class ResidualWork(NmfModel model, MatrixView b, MatrixView h, double[] squares, double[] residual) : ITeamWork
    {
        public void Execute(int part, int start, int end)
        {
            for (int j = start; j < end; j++)
            {
                residual[j] = FrameProjection.Residual(model, squares[j], b, h, j);
            }
        }
    }
}
