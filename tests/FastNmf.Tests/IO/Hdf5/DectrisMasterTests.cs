using FastNmf.Hdf5;
using FastNmf.IO;
using FastNmf.Tests.TestSupport;
using NUnit.Framework;

namespace FastNmf.Tests.IO.Hdf5;

/// <summary>A DECTRIS acquisition written by h5py (make_hdf5_samples.py): NAME_master.h5 whose /entry/data/data_NNNNNN are
/// external links to the 3-D stacks of NAME_data_NNNNNN.h5.</summary>
[TestFixture]
public sealed class DectrisMasterTests
{
    [TestCase(1)]
    [TestCase(4)]
    [TestCase(7)]
    [TestCase(12)]
    public void Open_Master_JoinsItsDataFilesInLinkOrder(int block)
    {
        NpyArray expected = Hdf5Samples.Expected("dectris_master");
        string master = Hdf5Samples.File("dectris_master");
        using FrameSource source = Hdf5Format.Open(master, new FrameSourceOptions { ScanShape = new ScanShape(3, 4) });

        Assert.Multiple(() =>
        {
            Assert.That(source.Shape, Is.EqualTo(new long[] { 3, 4, 4, 6 }));
            Assert.That(source.Path, Is.EqualTo(master));
            Assert.That(source.Metadata["parts"], Is.EqualTo("3"));
            Assert.That(source.Metadata["part_paths"], Does.Contain("dectris_data_000003.h5"));
            Assert.That(source.StoredPixelMask, Is.Not.Null);
            Assert.That(Enumerable.Range(0, 24).Where(i => source.StoredPixelMask![i]), Is.EqualTo(new[] { 0, (2 * 6) + 5 }), "the master's pixel_mask");
            Assert.That(Hdf5FrameSourceTests.ReadAll(source, block), Is.EqualTo(expected.Data), "frames across file boundaries");
        });
    }

    [Test]
    public void Open_MasterWithoutScanShape_AsksForItWithTheTotalFrameCount()
    {
        string master = Hdf5Samples.File("dectris_master");
        var e = Assert.Throws<DataFormatException>(() => Hdf5Format.Open(master, new FrameSourceOptions()));
        Assert.That(e!.Message, Does.StartWith(master).And.Contain("12 frames").And.Contain("--scan-shape"));
    }

    [Test]
    public void Open_MasterWhoseDataFileIsMissing_NamesTheMissingFile()
    {
        string master = Hdf5Samples.File("dectris_gap_master");
        var e = Assert.Throws<DataFormatException>(() => Hdf5Format.Open(master, new FrameSourceOptions { ScanShape = new ScanShape(3, 4) }));
        Assert.That(e!.Message, Does.StartWith(master).And.Contain("dectris_gap_data_000002.h5 is missing"));
    }

    [Test]
    public void Open_MasterWithADatasetPath_ReadsThatDatasetOnly()
    {
        string master = Hdf5Samples.File("dectris_master");
        var e = Assert.Throws<DataFormatException>(() => Hdf5Format.Open(master,
            new FrameSourceOptions { Member = "/entry/instrument/detector/detectorSpecific/pixel_mask" }));
        Assert.That(e!.Message, Does.Contain("pixel_mask").And.Contain("not 4-D"));
    }

    [Test]
    public void Open_OneDataFileOfTheAcquisition_IsAStackOfItsOwnFrames()
    {
        NpyArray expected = Hdf5Samples.Expected("dectris_master");
        string data = Path.Combine(Path.GetDirectoryName(Hdf5Samples.File("dectris_master"))!, "dectris_data_000001.h5");
        using FrameSource source = Hdf5Format.Open(data, new FrameSourceOptions { ScanShape = new ScanShape(1, 5) });
        Assert.That(Hdf5FrameSourceTests.ReadAll(source, 5), Is.EqualTo(expected.Data.AsSpan(0, 5 * 24).ToArray()));
    }

    [Test]
    public void Open_MasterWhoseLastDataFileIsMissing_SaysTheFramesFallShortOfWhatItAnnounces()
    {
        string samples = Path.GetDirectoryName(Hdf5Samples.File("dectris_master"))!;
        using var dir = new TempDirectory();
        foreach (string name in new[] { "dectris_master.h5", "dectris_data_000001.h5", "dectris_data_000002.h5" })
        {
            File.Copy(Path.Combine(samples, name), dir.PathOf(name));
        }

        var e = Assert.Throws<DataFormatException>(() => Hdf5Format.Open(dir.PathOf("dectris_master.h5"), new FrameSourceOptions { ScanShape = new ScanShape(2, 5) }));
        Assert.That(e!.Message, Does.Contain("announces 12 images").And.Contain("hold 10 frames"));
    }
}
