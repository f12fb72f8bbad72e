using System.Diagnostics;
using FastNmf.IO;
using FastNmf.Simulation;
using FastNmf.Tests.TestSupport;
using NUnit.Framework;

namespace FastNmf.Tests.Distributed;

/// <summary>
/// <c>fastnmf factorize --distributed</c> under Debian's Open MPI and MPICH: W and H bit-identical to the one-process
/// run for P = 1–4 and every method and storage; every fault — a rank that cannot read its slab, a rank that dies,
/// ranks started with other options, a kernel wider than a slab, too many ranks, a launcher of another MPI — ends the
/// job with one error and a nonzero exit within seconds, and writes nothing.
/// </summary>
[TestFixture]
[Category("Mpi")]
[NonParallelizable]
public sealed class MpiRunTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(120);
    private TempDirectory _dir = null!;
    private string _input = null!;

    [OneTimeSetUp]
    public void Simulate()
    {
        _dir = new TempDirectory();
        // The paper's 36×36 scan (5 canonical blocks of 8 rows) on a 32×32 detector: seconds per run.
        (FastNmf.Data.Dataset4D data, _) = Simulator.Generate(new SimulationOptions { ScanRows = 36, ScanCols = 36, DetRows = 32, DetCols = 32, Dose = 2000, Seed = 11 });
        _input = Path.Combine(_dir.Path, "sim.npy");
        NpyWriter.Write(_input, data.Data, [36, 36, 32, 32]);
    }

    [OneTimeTearDown]
    public void Remove() => _dir.Dispose();

    [Test]
    public void OpenMpi_AnyRankCount_IsBitIdenticalToOneProcess([Values(1, 2, 3, 4)] int ranks) =>
        AssertSameAsOneProcess(MpiLauncher.OpenMpi, ranks, "constrained", "auto");

    [Test]
    public void OpenMpi_EveryMethodAndStorage_IsBitIdenticalToOneProcess(
        [Values("constrained", "als", "mu")] string method,
        [Values("dense", "uint16", "sparse")] string storage) =>
        AssertSameAsOneProcess(MpiLauncher.OpenMpi, 3, method, storage);

    [Test]
    public void Mpich_IsBitIdenticalToOneProcess([Values(2, 3)] int ranks) =>
        AssertSameAsOneProcess(MpiLauncher.Mpich, ranks, "constrained", "auto");

    [Test]
    public void Project_Distributed_IsBitIdenticalToOneProcess()
    {
        MpiLauncher.Require(MpiLauncher.OpenMpi);
        string fit = Out("fit");
        Assert.That(Run(MpiLauncher.Fastnmf, ["factorize", _input, "-k", "3", "--iterations", "10", "--restarts", "1", "--report", "false", "--threads", "1", "--out", fit]).Code, Is.Zero);
        string one = Out("p1"), three = Out("p3");
        Assert.That(Run(MpiLauncher.Fastnmf, ["project", fit, _input, "--out", one, "--threads", "1"]).Code, Is.Zero);
        MpiLauncher.Result r = Mpi(MpiLauncher.OpenMpi, 3, ["project", fit, _input, "--out", three, "--threads", "1", "--distributed"]);
        Assert.That(r.Code, Is.Zero, r.ToString());
        Assert.Multiple(() =>
        {
            Assert.That(File.ReadAllBytes(Path.Combine(three, "H.npy")), Is.EqualTo(File.ReadAllBytes(Path.Combine(one, "H.npy"))));
            Assert.That(File.ReadAllBytes(Path.Combine(three, "residual.npy")), Is.EqualTo(File.ReadAllBytes(Path.Combine(one, "residual.npy"))));
        });
    }

    [Test]
    public void Pca_Distributed_IsTheSameSpectrumOnAnyRankCount_AndMatchesOneProcess()
    {
        MpiLauncher.Require(MpiLauncher.OpenMpi);
        string one = Out("pca1"), two = Out("pca2"), three = Out("pca3");
        string[] pca = ["pca", _input, "-K", "6", "--threads", "1", "--pca-method", "randomized"];
        Assert.That(Run(MpiLauncher.Fastnmf, [.. pca, "--out", one]).Code, Is.Zero);
        MpiLauncher.Result r2 = Mpi(MpiLauncher.OpenMpi, 2, [.. pca, "--out", two, "--distributed"]);
        MpiLauncher.Result r3 = Mpi(MpiLauncher.OpenMpi, 3, [.. pca, "--out", three, "--distributed"]);
        Assert.That(r2.Code + r3.Code, Is.Zero, r2 + "\n" + r3);
        double[] Mse(string dir) => System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "pca.json"))).RootElement
            .GetProperty("mse").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(Mse(three), Is.EqualTo(Mse(two)).AsCollection, "exact reductions: the same spectrum on 2 and 3 ranks");
            Assert.That(Mse(three), Is.EqualTo(Mse(one)).AsCollection.Within(1e-4).Percent, "the one-process randomised spectrum");
            Assert.That(File.Exists(Path.Combine(three, "scree.png")), Is.True);
            Assert.That(r3.Output, Does.Contain("suggested k"));
        });
    }

    [Test]
    public void Pca_GramMethodDistributed_IsOneErrorWithoutARankPrefix()
    {
        MpiLauncher.Require(MpiLauncher.OpenMpi);
        string output = Out("pcagram");
        MpiLauncher.Result r = Mpi(MpiLauncher.OpenMpi, 2, ["pca", _input, "-K", "6", "--pca-method", "gram", "--out", output, "--distributed"]);
        AssertOneError(r, output, 2, "error: --pca-method gram");
    }

    [Test]
    public void ASlabOfZeros_OrOfNonCounts_StillGivesTheOneProcessAnswer([Values("zeros", "fractions")] string change)
    {
        MpiLauncher.Require(MpiLauncher.OpenMpi);
        // zeros: rank 0's rows (0–7) all 0, which alone would be "nothing to factorize". fractions: rank 2's rows
        // (24–35) + 0.5, so only that slab is not counts: every rank must then hold X as float32.
        float[] values = NpyTestData(out long[] shape);
        int frame = 32 * 32;
        (int first, int end) = change == "zeros" ? (0, 8) : (24, 36);
        for (long i = (long)first * 36 * frame; i < (long)end * 36 * frame; i++)
        {
            values[i] = change == "zeros" ? 0 : values[i] + 0.5f;
        }

        string input = Path.Combine(_dir.Path, $"{change}.npy");
        NpyWriter.Write(input, values, shape);
        string[] run = ["factorize", input, "-k", "3", "--iterations", "10", "--restarts", "1", "--report", "false", "--threads", "1", "--backend", "managed"];
        string one = Out($"{change}-one"), three = Out($"{change}-three");
        Assert.That(Run(MpiLauncher.Fastnmf, [.. run, "--out", one]).Code, Is.Zero);
        MpiLauncher.Result r = Mpi(MpiLauncher.OpenMpi, 3, [.. run, "--out", three, "--distributed"]);
        Assert.That(r.Code, Is.Zero, r.ToString());
        Assert.Multiple(() =>
        {
            Assert.That(File.ReadAllBytes(Path.Combine(three, "W.npy")), Is.EqualTo(File.ReadAllBytes(Path.Combine(one, "W.npy"))));
            Assert.That(File.ReadAllBytes(Path.Combine(three, "H.npy")), Is.EqualTo(File.ReadAllBytes(Path.Combine(one, "H.npy"))));
            if (change == "fractions")
            {
                Assert.That(r.Output, Does.Contain("every rank holds X as float32"));
            }
        });
    }

    [Test]
    public void TruncatedFile_IsOneErrorFoundByEveryRank()
    {
        MpiLauncher.Require(MpiLauncher.OpenMpi);
        // The file ends inside the last rank's rows; every rank sees it from the header, so no rank is named.
        string cut = Path.Combine(_dir.Path, "cut.npy");
        byte[] bytes = File.ReadAllBytes(_input);
        File.WriteAllBytes(cut, bytes[..(bytes.Length - (40 * 32 * 32 * 4))]);
        string output = Out("cut");
        MpiLauncher.Result r = Mpi(MpiLauncher.OpenMpi, 3, ["factorize", cut, "-k", "3", "--iterations", "5", "--restarts", "1", "--threads", "1", "--out", output, "--distributed"]);
        AssertOneError(r, output, 2, "cut.npy: at byte 128: truncated");
        Assert.That(r.Error, Does.Not.Contain("rank "));
    }

    [Test]
    public void RankThatCannotReadItsSlab_EndsTheJobWithOneErrorFromRank0()
    {
        MpiLauncher.Require(MpiLauncher.OpenMpi);
        // A NaN at scan row 30, in rank 2's slab (rows 24–35) only: that rank names it in the file's coordinates.
        string bad = Path.Combine(_dir.Path, "nan.npy");
        byte[] bytes = File.ReadAllBytes(_input);
        long element = ((30L * 36) + 5) * 32 * 32 + 40;
        BitConverter.GetBytes(float.NaN).CopyTo(bytes, 128 + (element * 4));
        File.WriteAllBytes(bad, bytes);
        string output = Out("nan");
        MpiLauncher.Result r = Mpi(MpiLauncher.OpenMpi, 3, ["factorize", bad, "-k", "3", "--iterations", "5", "--restarts", "1", "--threads", "1", "--out", output, "--distributed"]);
        AssertOneError(r, output, 2, "rank 2:");
        Assert.That(r.Error, Does.Contain("nan.npy").And.Contain("element (30, 5, 1, 8)"));
    }

    [Test]
    public void RankThatDies_EndsTheJobWithinSeconds_AndWritesNothing()
    {
        MpiLauncher.Require(MpiLauncher.OpenMpi);
        string output = Out("killed");
        var clock = new Stopwatch();
        MpiLauncher.Result r = MpiLauncher.Run(MpiLauncher.OpenMpi,
            MpiLauncher.Command(MpiLauncher.OpenMpi, 3, ["factorize", _input, "-k", "4", "--iterations", "100000", "--restarts", "1", "--threads", "1", "--report", "false", "--out", output, "--distributed"]),
            s_timeout, _dir.Path, launcher =>
            {
                // Once the ranks iterate, kill one of them (SIGKILL: no chance to clean up).
                int victim = WaitForRank(output, TimeSpan.FromSeconds(60));
                Process.Start("kill", ["-9", victim.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();
                clock.Start();
            });
        Assert.Multiple(() =>
        {
            Assert.That(r.Code, Is.Not.Zero, r.ToString());
            Assert.That(clock.Elapsed.TotalSeconds, Is.LessThan(30), "the job ends within seconds of the death");
            Assert.That(Directory.Exists(output), Is.False, "nothing that looks complete");
        });
    }

    [Test]
    public void RanksStartedWithOtherOptions_AreRefusedBeforeAnyWork()
    {
        MpiLauncher.Require(MpiLauncher.OpenMpi);
        string output = Out("mixed");
        string[] common = ["factorize", _input, "-k", "3", "--restarts", "1", "--threads", "1", "--out", output, "--distributed"];
        List<string> command = ["--oversubscribe", "--bind-to", "none", "-np", "1", MpiLauncher.Fastnmf, .. common, "--iterations", "5", ":", "-np", "1", MpiLauncher.Fastnmf, .. common, "--iterations", "7"];
        MpiLauncher.Result r = MpiLauncher.Run(MpiLauncher.OpenMpi, command, s_timeout, _dir.Path);
        AssertOneError(r, output, 2, "other options than rank 0");
    }

    [Test]
    public void KernelWiderThanASlab_IsRefusedClearly()
    {
        MpiLauncher.Require(MpiLauncher.OpenMpi);
        // 5 ranks: slabs of 8, 8, 8, 8 and 4 rows; a 19×19 kernel reads 9 rows across each edge, more than a slab holds.
        string output = Out("wide");
        MpiLauncher.Result r = Mpi(MpiLauncher.OpenMpi, 5, ["factorize", _input, "-k", "3", "--iterations", "3", "--restarts", "1", "--threads", "1", "--kernel-size", "19", "--probe-fwhm", "10", "--scan-step", "1", "--out", output, "--distributed"]);
        AssertOneError(r, output, 2, "fewer processes");
    }

    [Test]
    public void BadOption_IsOneErrorFromRank0()
    {
        MpiLauncher.Require(MpiLauncher.OpenMpi);
        string output = Out("badoption");
        MpiLauncher.Result r = Mpi(MpiLauncher.OpenMpi, 3, ["factorize", _input, "-k", "3", "--probe-fwhm", "2", "--threads", "1", "--out", output, "--distributed"]);
        AssertOneError(r, output, 2, "--scan-step");
    }

    [Test]
    public void MoreRanksThanBlocks_IsRefusedNamingTheLimit()
    {
        MpiLauncher.Require(MpiLauncher.OpenMpi);
        string output = Out("many");
        // 36×36: canonical blocks of 7 rows (7 × 36 = 252 frames), six of them.
        MpiLauncher.Result r = Mpi(MpiLauncher.OpenMpi, 7, ["factorize", _input, "-k", "3", "--iterations", "3", "--restarts", "1", "--threads", "1", "--out", output, "--distributed"]);
        AssertOneError(r, output, 2, "at most 6");
    }

    [Test]
    public void LauncherOfAnotherMpi_IsRefusedInsteadOfRunningAlonePerProcess()
    {
        MpiLauncher.Require(MpiLauncher.Mpich);
        string output = Out("wrong");
        var env = Environment.GetEnvironmentVariable("FASTNMF_MPI_LIBRARY");
        Environment.SetEnvironmentVariable("FASTNMF_MPI_LIBRARY", "libmpi.so.40");
        try
        {
            MpiLauncher.Result r = Mpi(MpiLauncher.Mpich, 2, ["factorize", _input, "-k", "3", "--iterations", "3", "--restarts", "1", "--threads", "1", "--out", output, "--distributed"]);
            Assert.Multiple(() =>
            {
                Assert.That(r.Code, Is.EqualTo(2), r.ToString());
                Assert.That(r.Error, Does.Contain("not the MPI the launcher belongs to"));
                Assert.That(Directory.Exists(output), Is.False);
            });
        }
        finally
        {
            Environment.SetEnvironmentVariable("FASTNMF_MPI_LIBRARY", env);
        }
    }

    private void AssertSameAsOneProcess(string launcher, int ranks, string method, string storage)
    {
        MpiLauncher.Require(launcher);
        string[] run = ["factorize", _input, "-k", "4", "--iterations", "20", "--restarts", "2", "--report", "false", "--threads", "1", "--method", method, "--storage", storage, "--backend", "managed"];
        string one = Out($"one-{method}-{storage}"), many = Out($"{Path.GetFileName(launcher)}-{ranks}-{method}-{storage}");
        if (!Directory.Exists(one))
        {
            MpiLauncher.Result single = Run(MpiLauncher.Fastnmf, [.. run, "--out", one]);
            Assert.That(single.Code, Is.Zero, single.ToString());
        }

        MpiLauncher.Result r = Mpi(launcher, ranks, [.. run, "--out", many, "--distributed"]);
        Assert.That(r.Code, Is.Zero, r.ToString());
        Assert.Multiple(() =>
        {
            Assert.That(r.Output, Does.Contain($"{ranks} rank(s)"));
            Assert.That(File.ReadAllBytes(Path.Combine(many, "W.npy")), Is.EqualTo(File.ReadAllBytes(Path.Combine(one, "W.npy"))), "W, bit for bit");
            Assert.That(File.ReadAllBytes(Path.Combine(many, "H.npy")), Is.EqualTo(File.ReadAllBytes(Path.Combine(one, "H.npy"))), "H, bit for bit");
        });
    }

    private static void AssertOneError(MpiLauncher.Result r, string output, int code, string keyword)
    {
        string[] errors = r.Error.Split('\n').Where(l => l.StartsWith("fastnmf: error:", StringComparison.Ordinal)).ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(r.Code, Is.EqualTo(code), r.ToString());
            Assert.That(errors, Has.Length.EqualTo(1), "one error line (rank 0's) for the whole job\n" + r);
            Assert.That(errors.FirstOrDefault(), Does.Contain(keyword), r.ToString());
            Assert.That(r.Elapsed.TotalSeconds, Is.LessThan(60));
            Assert.That(Directory.Exists(output), Is.False, "nothing written");
        });
    }

    // The pid of one fastnmf rank of the run writing to output, once it has been running a while (it is iterating).
    private static int WaitForRank(string output, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            Thread.Sleep(500);
            int[] pids = Process.GetProcessesByName("FastNmf.Cli").Where(p => Args(p.Id).Contains(output, StringComparison.Ordinal)).Select(p => p.Id).Order().ToArray();
            if (pids.Length == 3 && clock.Elapsed > TimeSpan.FromSeconds(6))
            {
                return pids[1];
            }
        }

        Assert.Fail("the ranks did not start");
        return 0;
    }

    private static string Args(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');
        }
        catch (IOException)
        {
            return string.Empty;
        }
    }

    // The test set's values and shape, read back from its .npy.
    private float[] NpyTestData(out long[] shape)
    {
        shape = [36, 36, 32, 32];
        byte[] bytes = File.ReadAllBytes(_input);
        var values = new float[36 * 36 * 32 * 32];
        Buffer.BlockCopy(bytes, bytes.Length - (values.Length * 4), values, 0, values.Length * 4);
        return values;
    }

    private MpiLauncher.Result Mpi(string launcher, int ranks, string[] args) =>
        MpiLauncher.Run(launcher, MpiLauncher.Command(launcher, ranks, args), s_timeout, _dir.Path);

    private MpiLauncher.Result Run(string file, string[] args) => MpiLauncher.Run(file, args, s_timeout, _dir.Path);

    private string Out(string name) => Path.Combine(_dir.Path, name);
}
