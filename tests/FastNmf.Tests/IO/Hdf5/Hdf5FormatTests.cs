using FastNmf.Hdf5;
using FastNmf.IO;
using FastNmf.Tests.TestSupport;
using NUnit.Framework;

namespace FastNmf.Tests.IO.Hdf5;

[TestFixture]
public sealed class Hdf5FormatTests
{
    [OneTimeSetUp]
    public void RegisterHdf5() => Hdf5Format.Register();

    [Test]
    public void Register_Twice_KeepsOneEntry()
    {
        Hdf5Format.Register();
        Assert.That(FrameFormats.All.Count(f => f.Name == "hdf5"), Is.EqualTo(1));
    }

    [Test]
    public void Register_AnotherFormatUnderTheSameName_IsRefused()
    {
        var impostor = new FrameFormat("hdf5", "x", [], (_, _) => false, (_, _) => throw new InvalidOperationException());
        Assert.Throws<ArgumentException>(() => FrameFormats.Register(impostor));
    }

    [Test]
    public void Open_FileColonDatasetPath_ReadsThatDataset()
    {
        string file = Hdf5Samples.File("dtypes");
        using FrameSource source = FrameFormats.Open(file + ":/dtypes/be_f8");

        Assert.That(source, Is.TypeOf<Hdf5FrameSource>());
        Assert.That(((Hdf5FrameSource)source).DatasetPath, Is.EqualTo("/dtypes/be_f8"));
        Assert.That(Hdf5FrameSourceTests.ReadAll(source, 6), Is.EqualTo(Hdf5Samples.Expected("dtypes").Data));
    }

    [Test]
    public void Detect_ByContent_WhateverTheExtension()
    {
        using var dir = new TempDirectory();
        string copy = dir.PathOf("acquisition.bin");
        File.Copy(Hdf5Samples.File("userblock"), copy);

        Assert.That(FrameFormats.Detect(copy).Name, Is.EqualTo("hdf5"));
    }

    [Test]
    public void Open_StackWithScanShapeOption_UsesIt()
    {
        using FrameSource source = FrameFormats.Open(Hdf5Samples.File("stack"), new FrameSourceOptions { ScanShape = new ScanShape(4, 3) });

        Assert.That(source.Shape, Is.EqualTo(new long[] { 4, 3, 5, 6 }));
    }
}
