using FastNmf.Data;
using FastNmf.Memory;

namespace FastNmf.Factorization;

/// <summary>
/// Every buffer a factorization needs, sized from (n_uv, n_xy, k) and allocated once per run; the iteration loop only
/// slices and swaps. Rows of W-shaped buffers use X's padded stride so a diffraction and a frame line up.
/// </summary>
internal sealed class SolverWorkspace : IDisposable
{
    private readonly List<IDisposable> _owned = [];

    public SolverWorkspace(UnfoldedData x, int k)
    {
        K = k;
        NUv = x.NUv;
        NXy = x.NXy;
        Stride = x.Stride;
        W = Rent(k * Stride, "W");
        WNext = Rent(k * Stride, "W (next)");
        A = Rent(k * Stride, "X·Hᵀ");
        D = Rent(k * Stride, "MU denominator of W");
        H = Rent((long)k * NXy, "H");
        HNext = Rent((long)k * NXy, "H (next)");
        B = Rent((long)k * NXy, "Wᵀ·X");
        E = Rent((long)k * NXy, "H scratch");
        GramH = new double[k * k];
        GramW = new double[k * k];
        Inverse = new double[k * k];
        Factor = new double[k * k];
        Image = new float[x.DetRows * x.DetCols];
        BestW = new float[k * NUv];
        BestH = new float[k * NXy];
    }

    public int K { get; }

    public int NUv { get; }

    public int NXy { get; }

    public long Stride { get; }

    public AlignedBuffer<float> W { get; private set; }

    public AlignedBuffer<float> WNext { get; private set; }

    public AlignedBuffer<float> A { get; }

    public AlignedBuffer<float> D { get; }

    public AlignedBuffer<float> H { get; private set; }

    public AlignedBuffer<float> HNext { get; private set; }

    public AlignedBuffer<float> B { get; }

    public AlignedBuffer<float> E { get; }

    public double[] GramH { get; }

    public double[] GramW { get; }

    public double[] Inverse { get; }

    public double[] Factor { get; }

    /// <summary>One full detector image, for [·]_W on masked data.</summary>
    public float[] Image { get; }

    public float[] BestW { get; }

    public float[] BestH { get; }

    public MatrixView WView => MatrixView.Over(W, K, NUv, Stride);

    public MatrixView WNextView => MatrixView.Over(WNext, K, NUv, Stride);

    public MatrixView AView => MatrixView.Over(A, K, NUv, Stride);

    public MatrixView DView => MatrixView.Over(D, K, NUv, Stride);

    public MatrixView HView => MatrixView.Over(H, K, NXy, NXy);

    public MatrixView HNextView => MatrixView.Over(HNext, K, NXy, NXy);

    public MatrixView BView => MatrixView.Over(B, K, NXy, NXy);

    public MatrixView EView => MatrixView.Over(E, K, NXy, NXy);

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
        var b = new AlignedBuffer<float>(length, what);
        _owned.Add(b);
        return b;
    }
}
