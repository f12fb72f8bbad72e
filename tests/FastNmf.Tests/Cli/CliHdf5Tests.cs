using FastNmf.Hdf5.Results;
using FastNmf.IO;
using FastNmf.Tests.IO.Hdf5;
using FastNmf.Tests.TestSupport;
using NUnit.Framework;

namespace FastNmf.Tests.Cli;

/// <summary>The CLI with HDF5 input, results.h5 output and <c>fastnmf export</c>.</summary>
public sealed class CliHdf5Tests : CliHarness
{
    [Test]
    public void Factorize_SimulatedDataAsHdf5_GivesBitIdenticalFactorsToTheNpy()
    {
        string npy = WriteSimulated("X.npy");
        string h5 = PathOf("X.h5");
        Hdf5Samples.RunPython(
            "import sys, numpy as np, h5py\n"
            + "x = np.load(sys.argv[1])\n"
            + "with h5py.File(sys.argv[2], 'w') as f:\n"
            + "    g = f.create_group('experiment/science_data'); g.attrs['emd_group_type'] = 1\n"
            + "    g.create_dataset('data', data=x, chunks=(1, 3) + x.shape[2:], compression='gzip', shuffle=True)\n",
            npy, h5);

        Result fromNpy = Run("factorize", npy, "-k", "4", "--out", PathOf("A"), "--iterations", "15", "--restarts", "2", "--seed", "7");
        Result fromH5 = Run("factorize", h5, "-k", "4", "--out", PathOf("B"), "--iterations", "15", "--restarts", "2", "--seed", "7");

        Assert.That(fromNpy.Code, Is.Zero, fromNpy.ToString());
        Assert.That(fromH5.Code, Is.Zero, fromH5.ToString());
        Assert.That(fromH5.Output, Does.Contain("(hdf5, float32)"));
        Assert.Multiple(() =>
        {
            Assert.That(File.ReadAllBytes(PathOf("B/W.npy")), Is.EqualTo(File.ReadAllBytes(PathOf("A/W.npy"))));
            Assert.That(File.ReadAllBytes(PathOf("B/H.npy")), Is.EqualTo(File.ReadAllBytes(PathOf("A/H.npy"))));
        });
    }

    [Test]
    public void Factorize_WritesResultsH5_ThatH5pyAndPureHdfReadAsTheNpyOutputs()
    {
        string input = WriteSimulated("X.npy");
        string output = PathOf("D");
        Result result = Run("factorize", input, "-k", "3", "--out", output, "--iterations", "12", "--restarts", "2", "--seed", "5", "--mask-radius", "3");
        Assert.That(result.Code, Is.Zero, result.ToString());
        Assert.That(result.Output, Does.Contain("results.h5"));

        string checks = Hdf5Samples.RunPython(
            "import sys, numpy as np, h5py\n"
            + "d = sys.argv[1]\n"
            + "with h5py.File(d + '/results.h5', 'r') as f:\n"
            + "    assert np.array_equal(f['W'][()], np.load(d + '/W.npy')), 'W'\n"
            + "    assert np.array_equal(f['H'][()], np.load(d + '/H.npy')), 'H'\n"
            + "    assert f['W'].dtype == np.float32 and f['mask'].dtype == np.uint8\n"
            + "    m = f['mask'][()]; assert m.shape == f['W'].shape[1:] and 0 < m.sum() < m.size, 'mask'\n"
            + "    a = f.attrs\n"
            + "    assert a['method'] == 'constrained' and a['seed'] == 5 and a['iterations'] == 12 and a['restarts'] == 2 and a['components'] == 3, dict(a)\n"
            + "    assert len(f['history/mse']) == f['restarts/iterations'][a['chosen_restart']], 'history'\n"
            + "    assert len(f['restarts/final_mse']) == 2 and np.isclose(f['restarts/final_mse'][a['chosen_restart']], a['final_mse'])\n"
            + "    i = f['input']\n"
            + "    assert i.attrs['format'] == 'npy' and list(i.attrs['shape']) == [12, 12, 32, 32] and i.attrs['dtype'] == 'float32', dict(i.attrs)\n"
            + "    assert i['metadata'].attrs['fortran_order'] == 'false'\n"
            + "print('checked')\n",
            output);
        Assert.That(checks, Does.Contain("checked"));

        (float[] w, float[] h, int[] ws, int[] hs) = ResultsFile.Read(Path.Combine(output, "results.h5"));
        Assert.Multiple(() =>
        {
            Assert.That(ws, Is.EqualTo(new[] { 3, 32, 32 }));
            Assert.That(hs, Is.EqualTo(new[] { 3, 12, 12 }));
            Assert.That(w, Is.EqualTo(NpyReader.ReadFloat32(Path.Combine(output, "W.npy")).Data));
            Assert.That(h, Is.EqualTo(NpyReader.ReadFloat32(Path.Combine(output, "H.npy")).Data));
        });
    }

    [Test]
    public void Factorize_Hdf5PathThatDoesNotExist_FailsInOneLineAndWritesNothing()
    {
        string h5 = Hdf5Samples.File("chunked_deflate");
        Result result = Run("factorize", h5 + ":/entry/missing", "-k", "2", "--out", PathOf("D"), "--iterations", "2", "--restarts", "1");

        AssertFailedCleanly(result, "D", "'/entry/missing'");
        Assert.That(result.Error, Does.Contain(h5).And.Contain("'/entry' holds frames"));
        Assert.That(result.Code, Is.EqualTo(2));
    }

    [Test]
    public void Factorize_DectrisLikeStack_NeedsAndUsesScanShape()
    {
        string h5 = Hdf5Samples.File("stack");
        Result without = Run("factorize", h5, "-k", "2", "--out", PathOf("D"), "--iterations", "2", "--restarts", "1");
        AssertFailedCleanly(without, "D", "--scan-shape");

        Result with = Run("factorize", h5, "-k", "2", "--out", PathOf("E"), "--iterations", "2", "--restarts", "1", "--scan-shape", "3x4");
        Assert.That(with.Code, Is.Zero, with.ToString());
        Assert.That(NpyReader.ReadFloat32(PathOf("E/H.npy")).Shape, Is.EqualTo(new long[] { 2, 3, 4 }));
    }

    [Test]
    public void Export_Tiff_WritesFloatStacksThatReadBackExactly()
    {
        string output = Factorized();
        Result result = Run("export", output, "--format", "tiff", "--out", PathOf("T"), "--single");
        Assert.That(result.Code, Is.Zero, result.ToString());

        NpyArray w = NpyReader.ReadFloat32(Path.Combine(output, "W.npy"));
        (int rows, int cols, List<float[]> pages, Dictionary<int, uint> tags) = TiffReader.Read(PathOf("T/W.tif"));
        Assert.Multiple(() =>
        {
            Assert.That((rows, cols, pages.Count), Is.EqualTo((32, 32, 3)));
            Assert.That(pages.SelectMany(p => p), Is.EqualTo(w.Data));
            Assert.That(tags[262], Is.EqualTo(1u), "black is zero");
            Assert.That(TiffReader.Read(PathOf("T/W_02.tif")).Pages.Single(), Is.EqualTo(w.Data.AsSpan(2 * 32 * 32, 32 * 32).ToArray()));
            Assert.That(TiffReader.Read(PathOf("T/H.tif")).Pages.SelectMany(p => p), Is.EqualTo(NpyReader.ReadFloat32(Path.Combine(output, "H.npy")).Data));
        });
    }

    [Test]
    public void Export_Tiff_OpensInTifffileWithTheSameValues()
    {
        string output = Factorized();
        Assert.That(Run("export", output, "--format", "tiff", "--out", PathOf("T")).Code, Is.Zero);

        string checks = Hdf5Samples.RunPython(
            "import sys, numpy as np\n"
            + "try:\n    import tifffile\nexcept ImportError:\n    print('no tifffile'); sys.exit(0)\n"
            + "w = tifffile.imread(sys.argv[1] + '/W.tif')\n"
            + "assert w.dtype == np.float32 and w.shape == (3, 32, 32), (w.dtype, w.shape)\n"
            + "assert np.array_equal(w, np.load(sys.argv[2] + '/W.npy'))\n"
            + "print('checked')\n",
            PathOf("T"), output);
        if (checks.Contains("no tifffile", StringComparison.Ordinal))
        {
            PythonTool.Missing("python3-tifffile is not installed (CI installs it).");
        }

        Assert.That(checks, Does.Contain("checked"));
    }

    [TestCase("npy")]
    [TestCase("h5")]
    public void Export_NpyOrH5_FromResultsH5Alone_RoundTripsTheFactors(string format)
    {
        string output = Factorized();
        float[] w = NpyReader.ReadFloat32(Path.Combine(output, "W.npy")).Data;
        File.Delete(Path.Combine(output, "W.npy"));
        File.Delete(Path.Combine(output, "H.npy"));

        Result result = Run("export", output, "--format", format, "--out", PathOf("X"));
        Assert.That(result.Code, Is.Zero, result.ToString());
        float[] back = format == "npy" ? NpyReader.ReadFloat32(PathOf("X/W.npy")).Data : ResultsFile.Read(PathOf("X/factors.h5")).W;
        Assert.That(back, Is.EqualTo(w));
    }

    [Test]
    public void Export_IntoANonEmptyDirectory_IsRefusedAndTouchesNothing()
    {
        string output = Factorized();
        Directory.CreateDirectory(PathOf("T"));
        File.WriteAllText(PathOf("T/keep.txt"), "mine");

        Result result = Run("export", output, "--format", "tiff", "--out", PathOf("T"));
        Assert.That(result.Code, Is.EqualTo(2), result.ToString());
        Assert.That(Directory.GetFiles(PathOf("T")), Is.EqualTo(new[] { PathOf("T/keep.txt") }));
    }

    [Test]
    public void Export_NotAResultDirectory_FailsInOneLine()
    {
        Directory.CreateDirectory(PathOf("empty"));
        Result result = Run("export", PathOf("empty"), "--format", "npy");
        AssertFailedOneLine(result, "not a FastNmf result directory");
    }

    private string Factorized()
    {
        string input = WriteSimulated("X.npy");
        Result result = Run("factorize", input, "-k", "3", "--out", PathOf("D"), "--iterations", "5", "--restarts", "1");
        Assert.That(result.Code, Is.Zero, result.ToString());
        return PathOf("D");
    }

    [Test]
    public void Factorize_DectrisMaster_JoinsTheDataFilesAndExcludesThePixelsItsMaskFlags()
    {
        string master = Hdf5Samples.File("dectris_master");
        Result without = Run("factorize", master, "-k", "2", "--out", PathOf("D"), "--iterations", "2", "--restarts", "1");
        AssertFailedCleanly(without, "D", "--scan-shape");

        Result with = Run("factorize", master, "-k", "2", "--out", PathOf("E"), "--iterations", "2", "--restarts", "1", "--scan-shape", "3x4", "--report", "false");
        Assert.Multiple(() =>
        {
            Assert.That(with.Code, Is.Zero, with.ToString());
            Assert.That(with.Output, Does.Contain("the file's own pixel mask (2 px)"));
            Assert.That(NpyReader.ReadFloat32(PathOf("E/H.npy")).Shape, Is.EqualTo(new long[] { 2, 3, 4 }));
            float[] w = NpyReader.ReadFloat32(PathOf("E/W.npy")).Data;
            Assert.That(new[] { w[0], w[24], w[(2 * 6) + 5], w[24 + (2 * 6) + 5] }, Is.All.Zero, "masked pixels carry no weight in any diffraction");
        });
    }
}
