using System.Numerics.Tensors;

namespace FastNmf.Constraints;

/// <summary>
/// After [·]_W, removes from each diffraction of one restart the share of the most rotationally symmetric one (the
/// amorphous): w_c ← [w_c − α_c·w_a]₊ with α_c = the median over radii of b_c(r) / b_a(r), b the radial baselines the fill
/// found (only radii where b_a is at least a fifth of its peak). A crystalline diffraction and its amorphous share
/// explain the data equally well (X = Σ w_c h_c is unchanged when w_a's map takes the share back, which the next
/// H-step does), so the data cannot choose α; the fill, raising every pixel below its radial baseline to it, raises a
/// crystalline diffraction's noise floor by a ring-shaped amount at every iteration and so ratchets the share up. Removing it
/// each iteration keeps the share near what the floor's median holds. Rows are in (u, v) order of the kept pixels and of unit L1 norm; the
/// baselines are per row, on the same scale. Owns no buffers (the caller's scratch); allocation-free.
/// </summary>
internal static class SymmetricShareRemoval
{
    private const double RadiusCut = 0.2;

    /// <summary>Fewest bright radii of the reference for a share to be removed at all.</summary>
    public const int MinRadii = 16;



    /// <summary>Index of the row whose baseline holds the largest share of its L1 norm (weighted by pixels per
    /// radius), or −1 when none has a usable baseline.</summary>
    public static int MostSymmetric(ReadOnlySpan<double> baselines, int rows, int radii, ReadOnlySpan<int> pixelsPerRadius)
    {
        int best = -1;
        double bestShare = 0;
        for (int c = 0; c < rows; c++)
        {
            ReadOnlySpan<double> b = baselines.Slice(c * radii, radii);
            double share = 0;
            for (int r = 0; r < radii; r++)
            {
                share += double.IsNaN(b[r]) ? 0 : b[r] * pixelsPerRadius[r];
            }

            if (share > bestShare)
            {
                bestShare = share;
                best = c;
            }
        }

        return best;
    }

    /// <summary>The share α of row <paramref name="reference"/> that row <paramref name="c"/>'s baseline holds (the
    /// median over the reference's bright radii of the baselines' ratio).</summary>
    public static double Share(ReadOnlySpan<double> baselines, int c, int reference, int radii)
    {
        ReadOnlySpan<double> b = baselines.Slice(c * radii, radii);
        ReadOnlySpan<double> a = baselines.Slice(reference * radii, radii);
        double peak = 0;
        for (int r = 0; r < radii; r++)
        {
            peak = double.IsNaN(a[r]) ? peak : Math.Max(peak, a[r]);
        }

        if (!(peak > 0))
        {
            return 0;
        }

        Span<double> ratios = stackalloc double[radii];
        int n = 0;
        for (int r = 0; r < radii; r++)
        {
            if (a[r] >= RadiusCut * peak && !double.IsNaN(b[r]))
            {
                ratios[n++] = Math.Max(0, b[r]) / a[r];
            }
        }

        // A median over a handful of radii follows the noise (a 16×16 detector has 9): below MinRadii the share is
        // left in place, as the paper's plain protocol does.
        if (n < MinRadii)
        {
            return 0;
        }

        // The median over radii: the floor is noise raised by the fill, so its ratio to the amorphous baseline scatters
        // about the share (the minimum, which would leave no pixel clipped, keeps most of it; measured at k = 30, the
        // median fits X better as well: README "Amorphous share").
        ratios = ratios[..n];
        ratios.Sort();
        return ratios[(n - 1) / 2];
    }

    /// <summary>row ← [row − α·reference]₊, renormalised to unit L1 norm (left as is when nothing would remain);
    /// <paramref name="scratch"/> holds the row's length.</summary>
    public static void Remove(Span<float> row, ReadOnlySpan<float> reference, double alpha, Span<float> scratch)
    {
        if (!(alpha > 0))
        {
            return;
        }

        Span<float> kept = scratch[..row.Length];
        TensorPrimitives.MultiplyAdd(reference, (float)-alpha, row, kept);
        TensorPrimitives.Max(kept, 0f, kept);
        float sum = TensorPrimitives.Sum(kept);
        if (!(sum > 0) || !float.IsFinite(sum))
        {
            return;
        }

        TensorPrimitives.Multiply(kept, 1f / sum, row);
    }
}
