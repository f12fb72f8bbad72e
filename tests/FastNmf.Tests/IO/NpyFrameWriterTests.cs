using FastNmf.IO;
using FastNmf.Tests.TestSupport;
using NUnit.Framework;

namespace FastNmf.Tests.IO;

[TestFixture]
public sealed class NpyFrameWriterTests
{
    private static readonly int[] s_shape = [2, 3, 4, 5];
    private const int FrameLength = 4 * 5;
    private const int Frames = 2 * 3;

    private TempDirectory _temp = null!;

    [SetUp]
    public void SetUp() => _temp = new TempDirectory();

    [TearDown]
    public void TearDown() => _temp.Dispose();

    [Test]
    public void Complete_Float32_RoundTripsThroughReader()
    {
        string path = _temp.PathOf("float.npy");
        float[] data = Enumerable.Range(0, Frames * FrameLength).Select(i => (i * 0.731f) - 17.5f).ToArray();

        using (var writer = new NpyFrameWriter(path, s_shape, uint16: false))
        {
            for (int f = 0; f < Frames; f++)
            {
                writer.Append(data.AsSpan(f * FrameLength, FrameLength));
            }

            writer.Complete();
        }

        NpyArray array = NpyReader.ReadFloat32(path);
        Assert.Multiple(() =>
        {
            Assert.That(array.SourceDtype, Is.EqualTo(NpyDtype.Float32));
            Assert.That(array.Shape, Is.EqualTo(new long[] { 2, 3, 4, 5 }));
            Assert.That(array.Data, Is.EqualTo(data));
            Assert.That(File.Exists(path + ".tmp"), Is.False);
        });
    }

    [Test]
    public void Complete_UInt16_RoundTripsThroughReader()
    {
        string path = _temp.PathOf("counts.npy");
        float[] data = Enumerable.Range(0, Frames * FrameLength).Select(i => (float)(i * 547 % 65536)).ToArray();
        data[0] = 0;
        data[1] = 65535;

        using (var writer = new NpyFrameWriter(path, s_shape, uint16: true))
        {
            for (int f = 0; f < Frames; f++)
            {
                writer.Append(data.AsSpan(f * FrameLength, FrameLength));
            }

            writer.Complete();
        }

        NpyArray array = NpyReader.ReadFloat32(path);
        Assert.Multiple(() =>
        {
            Assert.That(array.SourceDtype, Is.EqualTo(NpyDtype.UInt16));
            Assert.That(array.Shape, Is.EqualTo(new long[] { 2, 3, 4, 5 }));
            Assert.That(array.Data, Is.EqualTo(data));
            Assert.That(new FileInfo(path).Length, Is.EqualTo(NpyReader.ReadHeader(path).DataOffset + (2L * data.Length)));
        });
    }

    [TestCase(false)]
    [TestCase(true)]
    public void Complete_AnyDtype_WritesNumpyMagicAndVersion1(bool uint16)
    {
        string path = _temp.PathOf("magic.npy");
        using (var writer = new NpyFrameWriter(path, [1, 1, 1, 1], uint16))
        {
            writer.Append([1f]);
            writer.Complete();
        }

        byte[] head = File.ReadAllBytes(path)[..8];

        Assert.That(head, Is.EqualTo(new byte[] { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0 }));
    }

    [TestCase(1.5f)]
    [TestCase(-1f)]
    [TestCase(70000f)]
    [TestCase(float.NaN)]
    public void Append_UInt16ValueNotRepresentable_ThrowsArgumentException(float value)
    {
        string path = _temp.PathOf("bad.npy");
        using var writer = new NpyFrameWriter(path, s_shape, uint16: true);
        float[] frame = new float[FrameLength];
        frame[7] = value;

        var ex = Assert.Throws<ArgumentException>(() => writer.Append(frame));

        Assert.That(ex!.Message, Does.Contain("65535"));
    }

    [Test]
    public void Append_WrongFrameLength_ThrowsArgumentException()
    {
        using var writer = new NpyFrameWriter(_temp.PathOf("short.npy"), s_shape, uint16: false);

        Assert.That(() => writer.Append(new float[FrameLength - 1]), Throws.ArgumentException);
    }

    [Test]
    public void Complete_MissingFrames_ThrowsAndLeavesNoFileAfterDispose()
    {
        string path = _temp.PathOf("incomplete.npy");
        var writer = new NpyFrameWriter(path, s_shape, uint16: false);
        for (int f = 0; f < Frames - 1; f++)
        {
            writer.Append(new float[FrameLength]);
        }

        var ex = Assert.Throws<InvalidOperationException>(writer.Complete);
        writer.Dispose();

        Assert.Multiple(() =>
        {
            Assert.That(ex!.Message, Does.Contain($"{Frames - 1} of {Frames}"));
            Assert.That(File.Exists(path), Is.False);
            Assert.That(File.Exists(path + ".tmp"), Is.False);
            Assert.That(Directory.GetFileSystemEntries(_temp.Path), Is.Empty);
        });
    }

    [Test]
    public void Dispose_WithoutComplete_DeletesTemporaryFile()
    {
        string path = _temp.PathOf("abandoned.npy");
        var writer = new NpyFrameWriter(path, s_shape, uint16: false);
        writer.Append(new float[FrameLength]);
        Assert.That(File.Exists(path + ".tmp"), Is.True, "data goes to path.tmp while writing");

        writer.Dispose();

        Assert.Multiple(() =>
        {
            Assert.That(File.Exists(path), Is.False);
            Assert.That(File.Exists(path + ".tmp"), Is.False);
        });
    }

    [Test]
    public void Append_TooManyFrames_ThrowsInvalidOperationException()
    {
        using var writer = new NpyFrameWriter(_temp.PathOf("full.npy"), s_shape, uint16: false);
        for (int f = 0; f < Frames; f++)
        {
            writer.Append(new float[FrameLength]);
        }

        var ex = Assert.Throws<InvalidOperationException>(() => writer.Append(new float[FrameLength]));

        Assert.That(ex!.Message, Does.Contain($"{Frames}"));
    }

    [Test]
    public void Complete_FinalPathExists_ThrowsAndLeavesExistingFileUntouched()
    {
        string path = _temp.PathOf("existing.npy");
        File.WriteAllText(path, "keep me");

        using (var writer = new NpyFrameWriter(path, [1, 1, 1, 1], uint16: false))
        {
            writer.Append([2f]);
            Assert.That(writer.Complete, Throws.InstanceOf<IOException>());
        }

        Assert.Multiple(() =>
        {
            Assert.That(File.ReadAllText(path), Is.EqualTo("keep me"));
            Assert.That(File.Exists(path + ".tmp"), Is.False);
        });
    }

    [TestCase(new[] { 2, 3, 4 })]
    [TestCase(new[] { 2, 0, 4, 5 })]
    public void Constructor_BadShape_ThrowsArgumentException(int[] shape)
    {
        string path = _temp.PathOf("shape.npy");

        Assert.That(() => new NpyFrameWriter(path, shape, uint16: false), Throws.ArgumentException);
        Assert.That(File.Exists(path + ".tmp"), Is.False);
    }

}
