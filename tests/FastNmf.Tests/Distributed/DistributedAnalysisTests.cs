using FastNmf.Analysis;
using FastNmf.Data;
using FastNmf.Distributed;
using FastNmf.Simulation;
using NUnit.Framework;

namespace FastNmf.Tests.Distributed;

/// <summary>PCA and projection on a scan split over in-process ranks, and the gather of per-frame results to rank 0.</summary>
public sealed class DistributedAnalysisTests
{
    private static Dataset4D s_data = null!;

    [OneTimeSetUp]
    public static void Simulate() =>
        (s_data, _) = Simulator.Generate(new SimulationOptions { ScanRows = 24, ScanCols = 24, DetRows = 16, DetCols = 16, Dose = 900, Seed = 4 });

    [Test]
    public void Pca_SplitOverRanks_EveryRankGetsTheOneProcessSpectrum()
    {
        using UnfoldedData x = UnfoldedData.Create(s_data);
        PcaSpectrum whole = Pca.Spectrum(x, 8, new PcaOptions { Method = PcaMethod.Gram, Threads = 1 });
        PcaSpectrum[] parts = InProcessGroup.Run(3, comm =>
        {
            ScanSlab slab = FrameBlocks.For(24, 24).Slab(comm.Rank, comm.Size);
            using UnfoldedData view = x.SlabView(slab.FirstRow, slab.Rows);
            return Pca.Spectrum(view, 8, new PcaOptions { Threads = 1, Tolerance = 1e-9 }, comm);
        });
        Assert.Multiple(() =>
        {
            foreach (PcaSpectrum p in parts)
            {
                Assert.That(p.Eigenvalues, Is.EqualTo(parts[0].Eigenvalues).AsCollection, "every rank alike");
                Assert.That(p.NXy, Is.EqualTo(576));
                Assert.That(p.SumOfSquares, Is.EqualTo(whole.SumOfSquares));
            }

            for (int i = 0; i < 8; i++)
            {
                Assert.That(parts[0].Eigenvalues[i], Is.EqualTo(whole.Eigenvalues[i]).Within(1e-5 * whole.Eigenvalues[0]), $"λ{i + 1}");
            }
        });
    }

    [Test]
    public void Project_SplitOverRanks_GathersTheOneProcessMapsAndResiduals()
    {
        using UnfoldedData x = UnfoldedData.Create(s_data);
        NmfResult fit = Factorizer.Run(x, new NmfOptions { Components = 3, Iterations = 20, Restarts = 1, Threads = 1 });
        NmfModel model = fit.Model;
        Projection whole = model.Project(x, 1);
        (float[]? H, float[]? Residual)[] parts = InProcessGroup.Run(3, comm =>
        {
            ScanSlab slab = FrameBlocks.For(24, 24).Slab(comm.Rank, comm.Size);
            using UnfoldedData view = x.SlabView(slab.FirstRow, slab.Rows);
            Projection p = model.Project(view, 1, comm);
            float[] residual = p.Residual.Select(r => (float)r).ToArray();
            return (SlabGather.Frames(comm, p.H, 3, view.Slab), SlabGather.Frames(comm, residual, 1, view.Slab));
        });
        Assert.Multiple(() =>
        {
            Assert.That(parts[1].H, Is.Null, "only rank 0 gathers");
            Assert.That(parts[0].H, Is.EqualTo(whole.H).AsCollection, "[·]_H across the slabs' edges gives the one-process bits");
            Assert.That(parts[0].Residual, Is.EqualTo(whole.Residual.Select(r => (float)r).ToArray()).AsCollection);
        });
    }
}
