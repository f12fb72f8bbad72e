using FastNmf.Memory;

namespace FastNmf.Factorization;

/// <summary>
/// Every buffer a factorization needs for a batch of <see cref="Batch"/> restarts advancing together (their k
/// components stacked: restart r owns rows [r·k, (r+1)·k)), sized from (n_uv, local n_xy, k, batch) and allocated once
/// per run; the iteration loop only slices and swaps. W-shaped rows are padded to whole cache lines.
/// </summary>
internal sealed class SolverWorkspace : IDisposable
{
    private readonly List<IDisposable> _owned = [];

    public SolverWorkspace(int nUv, int nXy, int k, int batch)
    {
        K = k;
        Batch = batch;
        Rows = k * batch;
        NUv = nUv;
        NXy = nXy;
        Stride = (nUv + 15L) & ~15L;
        W = Rent(Rows * Stride, "W");
        WNext = Rent(Rows * Stride, "W (next)");
        A = Rent(Rows * Stride, "X·Hᵀ");
        D = Rent(Rows * Stride, "MU denominator of W");
        H = Rent((long)Rows * NXy, "H");
        HNext = Rent((long)Rows * NXy, "H (next)");
        B = Rent((long)Rows * NXy, "Wᵀ·X");
        E = Rent((long)Rows * NXy, "H scratch");
        GramH = Enumerable.Range(0, batch).Select(_ => new double[k * k]).ToArray();
        GramW = Enumerable.Range(0, batch).Select(_ => new double[k * k]).ToArray();
        BestW = new float[k * NUv];
        BestH = new float[k * NXy];
        BestGramDiagonal = new double[k];
    }

    /// <summary>Components per restart.</summary>
    public int K { get; }

    /// <summary>Restarts advancing together.</summary>
    public int Batch { get; }

    /// <summary>Stacked rows: K × Batch.</summary>
    public int Rows { get; }

    public int NUv { get; }

    /// <summary>Frames held here (this rank's).</summary>
    public int NXy { get; }

    public long Stride { get; }

    /// <summary>Bytes this workspace holds for a batch (for memory planning).</summary>
    public static long BytesFor(int nUv, int nXy, int k, int batch) => 4L * 4 * k * batch * ((((long)nUv + 15) & ~15L) + nXy);

    public AlignedBuffer<float> W { get; private set; }

    public AlignedBuffer<float> WNext { get; private set; }

    public AlignedBuffer<float> A { get; }

    public AlignedBuffer<float> D { get; }

    public AlignedBuffer<float> H { get; private set; }

    public AlignedBuffer<float> HNext { get; private set; }

    public AlignedBuffer<float> B { get; }

    public AlignedBuffer<float> E { get; }

    /// <summary>HHᵀ per restart (k × k), summed over every rank.</summary>
    public double[][] GramH { get; }

    /// <summary>WᵀW per restart (k × k).</summary>
    public double[][] GramW { get; }

    public float[] BestW { get; }

    /// <summary>The kept restart's H, this rank's columns.</summary>
    public float[] BestH { get; }

    /// <summary>The kept restart's ‖h_c‖₂² over the whole scan (the diagonal of its HHᵀ).</summary>
    public double[] BestGramDiagonal { get; }

    public MatrixView WView => MatrixView.Over(W, Rows, NUv, Stride);

    public MatrixView WNextView => MatrixView.Over(WNext, Rows, NUv, Stride);

    public MatrixView AView => MatrixView.Over(A, Rows, NUv, Stride);

    public MatrixView DView => MatrixView.Over(D, Rows, NUv, Stride);

    public MatrixView HView => MatrixView.Over(H, Rows, NXy, NXy);

    public MatrixView HNextView => MatrixView.Over(HNext, Rows, NXy, NXy);

    public MatrixView BView => MatrixView.Over(B, Rows, NXy, NXy);

    public MatrixView EView => MatrixView.Over(E, Rows, NXy, NXy);

    /// <summary>Restart <paramref name="r"/>'s k rows of a stacked view.</summary>
    public MatrixView Of(MatrixView stacked, int r) => stacked.RowSlice(r * K, K);

    public void SwapW() => (W, WNext) = (WNext, W);

    public void SwapH() => (H, HNext) = (HNext, H);

    public void Dispose()
    {
        foreach (IDisposable d in _owned)
        {
            d.Dispose();
        }
    }

    private AlignedBuffer<float> Rent(long length, string what)
    {
        var b = new AlignedBuffer<float>(Math.Max(1, length), what);
        _owned.Add(b);
        return b;
    }
}
