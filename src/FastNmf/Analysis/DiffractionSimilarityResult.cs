namespace FastNmf.Analysis;

/// <summary>The pairwise diffraction similarities and rotations of a set of diffractions (Eqs. 10–11).</summary>
public sealed class DiffractionSimilarityResult
{
    internal DiffractionSimilarityResult(double[,] similarity, double[,] rotation, double[] isotropy, int phiSamples, int radii)
    {
        Similarity = similarity;
        Rotation = rotation;
        Isotropy = isotropy;
        PhiSamples = phiSamples;
        Radii = radii;
    }

    /// <summary>k × k, symmetric, 1 on the diagonal, in [−1, 1]: the peak of the normalised φ cross-correlation of the
    /// anisotropic parts (Eq. 10), or the radial-profile cosine for two isotropic patterns.</summary>
    public double[,] Similarity { get; }

    /// <summary>
    /// k × k, degrees in (−180, 180]: <c>Rotation[i, j]</c> is the angle by which diffraction j is rotated relative to
    /// diffraction i, counter-clockwise in the displayed image (row 0 at the top) — rotating i by it gives j (Eq. 11).
    /// Antisymmetric (<c>Rotation[j, i] = −Rotation[i, j]</c>, modulo 360), 0 on the diagonal.
    /// </summary>
    public double[,] Rotation { get; }

    /// <summary>Per diffraction, the share of its (r-weighted) polar energy in its radial profile (the φ-average):
    /// ≈ 1 for rotationally symmetric (amorphous) patterns, lower the more Bragg spots.</summary>
    public IReadOnlyList<double> Isotropy { get; }

    /// <summary>φ samples per radius (one φ bin is 360 / PhiSamples degrees).</summary>
    public int PhiSamples { get; }

    /// <summary>Radii of the polar transform (0..Radii−1 pixels).</summary>
    public int Radii { get; }

    /// <summary>Width of one φ bin in degrees.</summary>
    public double BinDegrees => 360.0 / PhiSamples;
}
