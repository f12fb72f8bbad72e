using FastNmf.Data;
using FastNmf.IO;
using FastNmf.Memory;
using FastNmf.Simulation;
using FastNmf.Storage;
using FastNmf.Kernels;
using FastNmf.Kernels.Threading;
using FastNmf.Tests.TestSupport;
using NUnit.Framework;

namespace FastNmf.Tests.Factorization;

/// <summary>One run plan: the forecast from sampled frames, the plan from X's statistics and the plan the run used agree,
/// and the plan's bytes hold the run's allocations.</summary>
public sealed class RunPlanTests
{
    private static IEnumerable<TestCaseData> Cases() =>
    [
        new TestCaseData(1, 4).SetArgDisplayNames("k=4, 1 restart (uint16)"),
        new TestCaseData(10, 4).SetArgDisplayNames("k=4, 10 restarts (sparse)"),
        new TestCaseData(2, 12).SetArgDisplayNames("k=12, 2 restarts (sparse)"),
    ];

    [TestCaseSource(nameof(Cases))]
    public void Forecast_FromSampledFrames_MakesTheRunsDecisions(int restarts, int k)
    {
        using var dir = new TempDirectory();
        (Dataset4D data, _) = Simulator.Generate(new SimulationOptions { ScanRows = 24, ScanCols = 24, DetRows = 32, DetCols = 32, Dose = 800, Seed = 5 });
        string path = Path.Combine(dir.Path, "x.npy");
        NpyWriter.Write(path, data.Data, [24, 24, 32, 32]);
        var options = new NmfOptions { Components = k, Iterations = 3, Restarts = restarts, Threads = 2 };
        using NpyFrameSource source = NpyFrameSource.Open(path);
        RunPlan forecast = RunPlan.Create(DataFacts.Sample(source, PixelMap.Create(32, 32)), options);
        using UnfoldedData x = XReader.ReadAuto(source, null, clipNegative: false, progress: null);
        RunPlan exact = RunPlan.Create(DataFacts.Of(x), options);
        NmfResult result = Factorizer.Run(x, options);
        Assert.Multiple(() =>
        {
            Assert.That(forecast.Exact, Is.False);
            Assert.That(exact.Exact, Is.True);
            Assert.That(result.Plan, Is.EqualTo(exact), "the run used the plan X's statistics give");
            Assert.That(forecast.Read, Is.EqualTo(exact.Read).And.EqualTo(XReadMode.Counts), "float32-stored counts are read as uint16");
            Assert.That(forecast.Storage, Is.EqualTo(exact.Storage));
            Assert.That(forecast.Batch, Is.EqualTo(exact.Batch));
            Assert.That(forecast.TotalBytes, Is.EqualTo(exact.TotalBytes).Within(10).Percent, "the forecast's bytes from 64 sampled frames");
            Assert.That(x.IsUInt16, Is.True);
        });
    }

    [Test]
    public void Plan_HoldsWhatTheRunAllocates([Values(XStorage.Sparse, XStorage.DenseUInt16, XStorage.Dense)] XStorage storage)
    {
        (Dataset4D data, _) = Simulator.Generate(new SimulationOptions { ScanRows = 32, ScanCols = 32, DetRows = 48, DetCols = 48, Dose = 600, Seed = 2 });
        using var source = new ArrayFrameSource(data);
        using UnfoldedData x = storage == XStorage.Dense ? XReader.ReadFloat32(source, null, true, false, null) : XReader.ReadCounts(source, null, false, null);
        var options = new NmfOptions { Components = 6, Iterations = 2, Restarts = 4, Threads = 2, Storage = storage, Backend = KernelBackend.Managed };
        RunPlan plan = RunPlan.Create(DataFacts.Of(x), options);
        _ = x.Statistics;
        AlignedMemory.ResetPeak();
        long before = AlignedMemory.OutstandingBytes;
        Factorizer.Run(x, options);
        long peak = AlignedMemory.PeakBytes - before;
        long planned = plan.StorageBytes + plan.WorkspaceBytes;
        Assert.Multiple(() =>
        {
            Assert.That(peak, Is.LessThanOrEqualTo(planned + plan.OtherBytes), "the plan does not under-estimate the run");
            Assert.That(peak, Is.GreaterThanOrEqualTo(0.85 * planned), "nor over-estimate it by much");
        });
    }

    [Test]
    public void SparseBytes_AreWhatTheOperandAllocates()
    {
        (Dataset4D data, _) = Simulator.Generate(new SimulationOptions { ScanRows = 30, ScanCols = 30, DetRows = 40, DetCols = 40, Dose = 500, Seed = 3 });
        using UnfoldedData x = UnfoldedData.Create(data);
        using var team = new WorkerTeam(2);
        FoldLayout layout = FoldLayout.Of(x);
        long before = AlignedMemory.OutstandingBytes;
        using IXOperand op = SparseXOperand.Create(x, KernelSet.CreateDefault().SparseWidth, team, layout, 30);
        long allocated = AlignedMemory.OutstandingBytes - before;
        long expected = SparseXOperand.BytesFor(x.NonZeros, x.NUv, x.NXy, layout.Blocks, 30, 2, KernelSet.CreateDefault().SparseWidth, x.Statistics.IsCounts);
        // The formula also counts the managed span tables, which AlignedMemory does not see.
        Assert.That(allocated, Is.LessThanOrEqualTo(expected).And.GreaterThan(0.8 * expected));
    }
}
