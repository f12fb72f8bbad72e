using FastNmf.Data;
using FastNmf.Storage;
using FastNmf.Kernels;
using FastNmf.Kernels.Gemm;
using FastNmf.Kernels.Threading;
using FastNmf.Memory;
using FastNmf.Numerics;

namespace FastNmf.Analysis;

/// <summary>
/// PCA eigenvalues from the smaller Gram matrix: XᵀX over frames (n_xy × n_xy, entry (i, j) = ⟨frame i, frame j⟩) when
/// there are fewer scan positions than kept pixels, else XXᵀ over pixels (n_uv × n_uv, accumulated frame block by frame
/// block). The entries are the float kernels' dot products (the same products the NMF's MSE is made of, relative error
/// ~1e-7·√n); the matrix is symmetrised and its eigenvalues taken in double.
/// </summary>
internal static class GramSpectrum
{
    private const int Block = 64;

    // products and team, given with float32 X and fewer frames than pixels: only the upper triangle is formed (each block
    // of frames against itself and the frames after it: half the products) and mirrored.
    public static double[] Eigenvalues(UnfoldedData x, IXOperand xop, FoldedHX hx, int count, Action<string>? progress = null,
        IFactorProducts? products = null, WorkerTeam? team = null)
    {
        bool frames = x.NXy <= x.NUv;
        bool upper = frames && !x.IsUInt16 && products is not null && team is not null;
        var upperWork = upper ? new DenseWXWork(products!) : null;
        int size = frames ? x.NXy : x.NUv;
        if ((long)size * size > Array.MaxLength)
        {
            throw new InsufficientMemoryException($"a {size}×{size} Gram matrix does not fit in memory; use the randomized PCA.");
        }

        var g = new double[size * size];
        long stride = (size + 15L) & ~15L;
        using var rows = new AlignedBuffer<float>(Block * stride, "Gram rows");
        using var pixels = frames ? null : new AlignedBuffer<float>(Block * ((x.NXy + 15L) & ~15L), "pixel block");
        using var frameRows = frames && x.IsUInt16 ? new AlignedBuffer<float>(Block * ((x.NUv + 15L) & ~15L), "frame block") : null;
        for (int start = 0; start < size; start += Block)
        {
            int n = Math.Min(Block, size - start);
            if (upper)
            {
                UpperRows(x, products!, team!, upperWork!, MatrixView.Over(rows, n, size - start, stride), start, n, g, size);
                progress?.Invoke($"Gram matrix: rows {start + n} of {size}");
                continue;
            }

            MatrixView dst = MatrixView.Over(rows, n, size, stride);
            if (frames)
            {
                xop.MultiplyWX(frameRows is null ? x.Frames.RowSlice(start, n) : Copied(x, frameRows, start, n), dst);
            }
            else
            {
                hx.Multiply(Transposed(x, pixels!, start, n), dst);
            }

            for (int r = 0; r < n; r++)
            {
                Span<float> row = dst.Row(r);
                for (int c = 0; c < size; c++)
                {
                    g[((start + r) * size) + c] = row[c];
                }
            }

            progress?.Invoke($"Gram matrix: rows {start + n} of {size}");
        }

        progress?.Invoke($"eigenvalues of the {size}×{size} Gram matrix");

        for (int i = 0; i < size && !upper; i++)
        {
            for (int j = i + 1; j < size; j++)
            {
                double mean = 0.5 * (g[(i * size) + j] + g[(j * size) + i]);
                g[(i * size) + j] = g[(j * size) + i] = mean;
            }
        }

        return SymmetricEigenvalues.Top(g, size, count);
    }

    // Rows start..start+n of the frames' Gram matrix from column start on (frames start.. against them), mirrored into
    // the columns start..start+n of the rows below.
    private static void UpperRows(UnfoldedData x, IFactorProducts products, WorkerTeam team, DenseWXWork work, MatrixView dst, int start, int n, double[] g, int size)
    {
        MatrixView w = x.Frames.RowSlice(start, n), later = x.Frames.RowSlice(start, size - start);
        if (products.ThreadsItself)
        {
            products.ProjectWX(w, later, dst);
        }
        else
        {
            work.W = w;
            work.X = later;
            work.Dst = dst;
            team.Run(work, size - start, 16);
        }

        for (int r = 0; r < n; r++)
        {
            Span<float> row = dst.Row(r);
            int i = start + r;
            for (int c = r; c < row.Length; c++)
            {
                int j = start + c;
                g[((long)i * size) + j] = g[((long)j * size) + i] = row[c];
            }
        }
    }

    // Frames start..start+n of uint16 X as float rows (the W operand of W·Xᵀ).
    private static MatrixView Copied(UnfoldedData x, AlignedBuffer<float> buffer, int start, int n)
    {
        MatrixView rows = MatrixView.Over(buffer, n, x.NUv, (x.NUv + 15L) & ~15L);
        for (int r = 0; r < n; r++)
        {
            x.CopyColumn(start + r, rows.Row(r));
        }

        return rows;
    }

    // Columns start..start+n of X (pixels) as rows over frames: the H operand of H·X.
    private static MatrixView Transposed(UnfoldedData x, AlignedBuffer<float> buffer, int start, int n)
    {
        long stride = (x.NXy + 15L) & ~15L;
        MatrixView h = MatrixView.Over(buffer, n, x.NXy, stride);
        var frame = new float[x.NUv];
        for (int j = 0; j < x.NXy; j++)
        {
            x.CopyColumn(j, frame);
            for (int r = 0; r < n; r++)
            {
                h.Row(r)[j] = frame[start + r];
            }
        }

        return h;
    }
}
