using System.Numerics.Tensors;
using FastNmf.Constraints;
using FastNmf.Data;
using FastNmf.Factorization;
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
    public static Projection Run(NmfModel model, UnfoldedData x, int threads, Distributed.Communicator comm)
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

        // The whole maps are there when this process holds the whole scan, or the ranks of comm hold it together (each
        // reading its neighbours' edge rows, as the factorization's [·]_H does).
        bool smooth = model.MapConstraint == MapConstraint.Convolution && (x.Slab.IsWhole || comm.Size > 1);
        Span<float> all = new(raw.Pointer, k * n);
        if (smooth)
        {
            ScanSlab slab = x.Slab;
            MapSmoothing smoothing;
            string? problem = null;
            try
            {
                smoothing = new MapSmoothing(model.MapKernel, slab.ScanRows, slab.ScanCols, slab.FirstRow, slab.Rows, model.Kernels.Convolution);
            }
            catch (ArgumentException e)
            {
                problem = e.Message;
                smoothing = null!;
            }

            var halo = problem is null ? new MapHalo(smoothing, comm, k, 1) : null;
            Distributed.Collective.Agree(comm, problem ?? halo!.Problem);
            ReadOnlySpan<float> source = all;
            if (halo!.Any)
            {
                halo.Exchange(rv, 1);
                source = WithHalo(all, halo.Above(0), halo.Below(0), smoothing, k);
            }

            smoothing.Convolve(source, h, k);
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

    // The k maps with the neighbours' rows above and below (the convolution's source).
    private static float[] WithHalo(ReadOnlySpan<float> own, ReadOnlySpan<float> above, ReadOnlySpan<float> below, MapSmoothing s, int k)
    {
        int a = s.HaloAbove * s.Cols, m = s.Rows * s.Cols, b = s.HaloBelow * s.Cols;
        var source = new float[k * (a + m + b)];
        for (int c = 0; c < k; c++)
        {
            Span<float> dst = source.AsSpan(c * (a + m + b), a + m + b);
            above.Slice(c * a, a).CopyTo(dst);
            own.Slice(c * m, m).CopyTo(dst[a..]);
            below.Slice(c * b, b).CopyTo(dst[(a + m)..]);
        }

        return source;
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
