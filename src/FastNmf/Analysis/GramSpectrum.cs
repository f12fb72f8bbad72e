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
/// ~1e-7·√n); the matrix is symmetrised and its eigenvalues taken in double. The frames' upper-triangle route keeps the
/// entries as the floats they are (half the memory, and half the bytes for each Lanczos step to read).
/// </summary>
internal static class GramSpectrum
{
    private const int Block = 64;

    // Frames per block of the upper-triangle route: 16 frames of 16 384 pixels as float rows are 1 MiB, which stays in L2
    // while the later frames stream past (64 were 4 MiB, read from L3 for every four frames: the paper's 1296² Gram 281 →
    // ~100 ms, `perf -- analysis pca 36`).
    private const int UpperBlock = 16;

    // products and team, given with fewer frames than pixels: only the upper triangle is formed (each block of frames
    // against itself and the frames after it: half the products) and mirrored.
    public static double[] Eigenvalues(UnfoldedData x, IXOperand xop, FoldedHX hx, int count, Action<string>? progress = null,
        IFactorProducts? products = null, WorkerTeam? team = null)
    {
        bool frames = x.NXy <= x.NUv;
        bool upper = frames && products is not null && team is not null;
        // uint16 X is multiplied as it is (converted on load): a float32 copy first measured slower (paper's set).
        ITeamWork? upperWork = !upper ? null : x.IsUInt16 ? new UInt16WXWork(KernelSet.CreateDefault().DenseWidth) : new DenseWXWork(products!);
        MatrixView allFrames = x.IsUInt16 ? default : x.Frames;
        int size = frames ? x.NXy : x.NUv;
        if ((long)size * size > Array.MaxLength)
        {
            throw new InsufficientMemoryException($"a {size}×{size} Gram matrix does not fit in memory; use the randomized PCA.");
        }

        // The upper-triangle route's entries are floats as computed; the others are symmetrised in double.
        float[]? gUpper = upper ? new float[size * size] : null;
        double[] g = upper ? [] : new double[size * size];
        long stride = (size + 15L) & ~15L;
        using var rows = new AlignedBuffer<float>(Block * stride, "Gram rows");
        using var pixels = frames ? null : new AlignedBuffer<float>(Block * ((x.NXy + 15L) & ~15L), "pixel block");
        using var frameRows = frames && x.IsUInt16 ? new AlignedBuffer<float>(Block * ((x.NUv + 15L) & ~15L), "frame block") : null;
        using var upperFrames = upper && x.IsUInt16 ? new AlignedBuffer<float>(UpperBlock * ((x.NUv + 15L) & ~15L), "frame block") : null;
        for (int start = 0; start < size; start += upper ? UpperBlock : Block)
        {
            int n = Math.Min(upper ? UpperBlock : Block, size - start);
            if (upper)
            {
                MatrixView w = upperWork is UInt16WXWork ? Copied(x, upperFrames!, start, n) : allFrames.RowSlice(start, n);
                if (upperWork is UInt16WXWork counts)
                {
                    counts.X = x.Counts!.Slice(start, size - start);
                }

                UpperRows(allFrames, w, products!, team!, upperWork!, MatrixView.Over(rows, n, size - start, stride), start, n, gUpper!, size);
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
        if (upper)
        {
            Mirror(gUpper!, size);
            return SymmetricEigenvalues.Top(gUpper!, size, count);
        }

        for (int i = 0; i < size; i++)
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
    private static void UpperRows(MatrixView frames, MatrixView w, IFactorProducts products, WorkerTeam team, ITeamWork work, MatrixView dst, int start, int n, float[] g, int size)
    {
        if (work is UInt16WXWork counts)
        {
            counts.W = w;
            counts.Dst = dst;
            team.Run(counts, size - start, 16);
        }
        else if (products.ThreadsItself)
        {
            products.ProjectWX(w, frames.RowSlice(start, size - start), dst);
        }
        else
        {
            var dense = (DenseWXWork)work;
            dense.W = w;
            dense.X = frames.RowSlice(start, size - start);
            dense.Dst = dst;
            team.Run(dense, size - start, 16);
        }

        // The upper triangle only, row by row (contiguous); Mirror fills the lower one at the end in tiles.
        for (int r = 0; r < n; r++)
        {
            Span<float> row = dst.Row(r);
            int i = start + r;
            for (int c = r; c < row.Length; c++)
            {
                g[((long)i * size) + start + c] = row[c];
            }
        }
    }

    // g[j, i] = g[i, j] for j > i, 64 × 64 tiles at a time (column writes one element at a time missed the cache for
    // every element of a 1296² matrix).
    private static void Mirror(float[] g, int size)
    {
        const int T = 64;
        for (int i0 = 0; i0 < size; i0 += T)
        {
            for (int j0 = i0; j0 < size; j0 += T)
            {
                for (int i = i0; i < Math.Min(size, i0 + T); i++)
                {
                    for (int j = Math.Max(j0, i + 1); j < Math.Min(size, j0 + T); j++)
                    {
                        g[((long)j * size) + i] = g[((long)i * size) + j];
                    }
                }
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
