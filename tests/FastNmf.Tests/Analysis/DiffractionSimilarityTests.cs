using FastNmf.Analysis;
using FastNmf.Constraints;
using NUnit.Framework;

namespace FastNmf.Tests.Analysis;

public sealed class DiffractionSimilarityTests
{
    private const int N = 96;

    [TestCase(0.0)]
    [TestCase(17.3)]
    [TestCase(-42.25)]
    [TestCase(93.7)]
    [TestCase(179.5)]
    [TestCase(-123.4)]
    public void Compare_RotatedCopyOfRandomPattern_RecoversTheAngleWithinOneBin_AndScoresNearOne(double degrees)
    {
        var spots = SyntheticPatterns.Spots(seed: 11, count: 14, minRadius: 8, maxRadius: 44);
        float[] a = SyntheticPatterns.Render(N, spots, 0);
        float[] b = SyntheticPatterns.Render(N, spots, degrees);
        (double similarity, double found) = DiffractionSimilarity.Compare(a, b, N, N);
        Assert.Multiple(() =>
        {
            Assert.That(SyntheticPatterns.AngleError(found, degrees), Is.LessThanOrEqualTo(1.0), $"found {found:F3}° for {degrees}°");
            Assert.That(similarity, Is.GreaterThanOrEqualTo(0.95));
            Assert.That(similarity, Is.LessThanOrEqualTo(1.0));
        });
    }

    [Test]
    public void Compare_SpotMovedFromRightToTop_IsPlusNinetyDegrees()
    {
        // Row 0 is the top of the displayed image: a spot right of the centre moving to above it is a
        // counter-clockwise rotation by +90°.
        float[] right = new float[N * N];
        float[] top = new float[N * N];
        TestSupport.Patterns.AddSpot(right, N, N / 2, (N / 2) + 20, 1.0, 1.5);
        TestSupport.Patterns.AddSpot(top, N, (N / 2) - 20, N / 2, 1.0, 1.5);
        (double similarity, double degrees) = DiffractionSimilarity.Compare(right, top, N, N);
        (_, double back) = DiffractionSimilarity.Compare(top, right, N, N);
        Assert.Multiple(() =>
        {
            Assert.That(degrees, Is.EqualTo(90).Within(1.0));
            Assert.That(back, Is.EqualTo(-90).Within(1.0));
            Assert.That(similarity, Is.GreaterThan(0.99));
        });
    }

    [Test]
    public void Compute_Matrix_IsSymmetricWithUnitDiagonal_AndRotationsAntisymmetric()
    {
        var spots = SyntheticPatterns.Spots(seed: 3, count: 10, minRadius: 8, maxRadius: 44);
        float[] all = [.. SyntheticPatterns.Render(N, spots, 0), .. SyntheticPatterns.Render(N, spots, 30), .. SyntheticPatterns.Render(N, SyntheticPatterns.Spots(4, 10, 8, 44), 0)];
        DiffractionSimilarityResult r = DiffractionSimilarity.Compute(all, 3, N, N);
        Assert.Multiple(() =>
        {
            for (int i = 0; i < 3; i++)
            {
                Assert.That(r.Similarity[i, i], Is.EqualTo(1.0));
                Assert.That(r.Rotation[i, i], Is.EqualTo(0.0));
                for (int j = 0; j < 3; j++)
                {
                    Assert.That(r.Similarity[i, j], Is.EqualTo(r.Similarity[j, i]));
                    Assert.That(SyntheticPatterns.AngleError(r.Rotation[i, j], -r.Rotation[j, i]), Is.LessThan(1e-9));
                }
            }

            Assert.That(r.Rotation[0, 1], Is.EqualTo(30).Within(r.BinDegrees));
            Assert.That(r.Similarity[0, 1], Is.GreaterThan(0.95));
            Assert.That(r.Similarity[0, 2], Is.LessThan(0.5), "a different random pattern");
        });
    }

    [Test]
    public void Compute_AllImplementations_AgreeWithTheScalarReference()
    {
        var spots = SyntheticPatterns.Spots(seed: 5, count: 8, minRadius: 6, maxRadius: 20);
        float[] all = [.. SyntheticPatterns.Render(48, spots, 0), .. SyntheticPatterns.Render(48, spots, 77), .. SyntheticPatterns.Render(48, spots, -5)];
        var polar = new PolarConstraintOptions(PhiSamples: 90);
        DiffractionSimilarityResult reference = DiffractionSimilarity.Compute(all, 3, 48, 48, polar, null, DiffractionSimilarity.DefaultIsotropyThreshold, new PhiCorrelationScalar());
        using PhiCorrelationDfti? dfti = PhiCorrelationDfti.TryCreate();
        foreach (IPhiCorrelation impl in new IPhiCorrelation?[] { new PhiCorrelationDirect(), new PhiCorrelationFft(), dfti }.OfType<IPhiCorrelation>())
        {
            DiffractionSimilarityResult r = DiffractionSimilarity.Compute(all, 3, 48, 48, polar, null, DiffractionSimilarity.DefaultIsotropyThreshold, impl);
            for (int i = 0; i < 3; i++)
            {
                for (int j = 0; j < 3; j++)
                {
                    Assert.That(r.Similarity[i, j], Is.EqualTo(reference.Similarity[i, j]).Within(1e-5), $"{impl.Name} similarity ({i}, {j})");
                    Assert.That(r.Rotation[i, j], Is.EqualTo(reference.Rotation[i, j]).Within(1e-3), $"{impl.Name} rotation ({i}, {j})");
                }
            }
        }
    }

    [Test]
    public void Compute_RotationallySymmetricRings_HaveIsotropyNearOne_SpotsNearZero()
    {
        float[] rings = TestSupport.Patterns.Rings(N, 3);
        float[] spots = SyntheticPatterns.Render(N, SyntheticPatterns.Spots(7, 6, 10, 40), 0, ring: 0);
        DiffractionSimilarityResult r = DiffractionSimilarity.Compute([.. rings, .. spots], 2, N, N);
        Assert.Multiple(() =>
        {
            Assert.That(r.Isotropy[0], Is.GreaterThan(0.99));
            Assert.That(r.Isotropy[1], Is.LessThan(0.2));
        });
    }

    [Test]
    public void Compute_AllZeroDiffraction_ThrowsNamingIt()
    {
        float[] all = [.. SyntheticPatterns.Render(N, SyntheticPatterns.Spots(1, 5, 10, 40), 0), .. new float[N * N]];
        var e = Assert.Throws<ArgumentException>(() => DiffractionSimilarity.Compute(all, 2, N, N));
        Assert.That(e!.Message, Does.Contain("diffraction 1"));
        Assert.That(e.ParamName, Is.EqualTo("diffractions"));
    }

    [Test]
    public void Compute_NaN_ThrowsNamingTheElement()
    {
        float[] all = SyntheticPatterns.Render(N, SyntheticPatterns.Spots(1, 5, 10, 40), 0);
        all[123] = float.NaN;
        var e = Assert.Throws<ArgumentException>(() => DiffractionSimilarity.Compute(all, 1, N, N));
        Assert.That(e!.Message, Does.Contain("element 123"));
    }

    [Test]
    public void Compute_WrongLength_Throws() =>
        Assert.Throws<ArgumentException>(() => DiffractionSimilarity.Compute(new float[100], 2, N, N));

    [TestCase(90)]
    [TestCase(360)]
    [TestCase(97)]
    public void Compute_MklDfti_AgreesWithTheScalarReference_OnOddAndEvenPhiCounts(int phi)
    {
        using PhiCorrelationDfti? dfti = PhiCorrelationDfti.TryCreate();
        if (dfti is null)
        {
            Assert.Ignore($"MKL's DFTI is not available here: {DiffractionSimilarity.FftDescription}");
        }

        var spots = SyntheticPatterns.Spots(seed: 9, count: 7, minRadius: 5, maxRadius: 21);
        float[] all = [.. SyntheticPatterns.Render(48, spots, 0), .. SyntheticPatterns.Render(48, spots, 31), .. SyntheticPatterns.Render(48, SyntheticPatterns.Spots(4, 6, 5, 21), 0)];
        var polar = new PolarConstraintOptions(PhiSamples: phi);
        DiffractionSimilarityResult reference = DiffractionSimilarity.Compute(all, 3, 48, 48, polar, null, DiffractionSimilarity.DefaultIsotropyThreshold, new PhiCorrelationScalar());
        DiffractionSimilarityResult r = DiffractionSimilarity.Compute(all, 3, 48, 48, polar, null, DiffractionSimilarity.DefaultIsotropyThreshold, dfti);
        Assert.Multiple(() =>
        {
            for (int i = 0; i < 3; i++)
            {
                for (int j = 0; j < 3; j++)
                {
                    Assert.That(r.Similarity[i, j], Is.EqualTo(reference.Similarity[i, j]).Within(1e-5), $"similarity ({i}, {j})");
                    Assert.That(r.Rotation[i, j], Is.EqualTo(reference.Rotation[i, j]).Within(1e-3), $"rotation ({i}, {j})");
                }
            }
        });
    }

    [Test]
    public void FftDescription_SaysMklDftiExactlyWhereMklLoads()
    {
        bool mkl = FastNmf.Blas.NativeBlas.TryGet(KernelBackend.Mkl, out _) is not null;
        Assert.That(DiffractionSimilarity.FftDescription, mkl ? Does.StartWith("MKL DFTI") : Does.StartWith("FftSharp"));
    }
}
