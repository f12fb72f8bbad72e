using System.Buffers.Binary;
using System.Text;
using FastNmf.IO;
using FastNmf.Tests.TestSupport;
using NUnit.Framework;

namespace FastNmf.Tests.IO;

[TestFixture]
public sealed class NpyWriterTests
{
    private TempDirectory _temp = null!;

    [SetUp]
    public void SetUp() => _temp = new TempDirectory();

    [TearDown]
    public void TearDown() => _temp.Dispose();

    [Test]
    public void Write_Float_RoundTripsThroughReader()
    {
        float[] data = Enumerable.Range(0, 24).Select(i => (i * 0.37f) - 3f).ToArray();
        string path = _temp.PathOf("float.npy");

        NpyWriter.Write(path, data, [2, 3, 4]);
        NpyArray array = NpyReader.ReadFloat32(path);

        Assert.Multiple(() =>
        {
            Assert.That(array.SourceDtype, Is.EqualTo(NpyDtype.Float32));
            Assert.That(array.WasFortranOrder, Is.False);
            Assert.That(array.Shape, Is.EqualTo(new long[] { 2, 3, 4 }));
            Assert.That(array.Data, Is.EqualTo(data));
        });
    }

    [Test]
    public void Write_Double_RoundTripsAndStoresFullPrecision()
    {
        double[] data = [0.1, -1e300, Math.PI, 0, double.Epsilon, 7];
        string path = _temp.PathOf("double.npy");

        NpyWriter.Write(path, data, [3, 2]);
        NpyArray array = NpyReader.ReadFloat32(path);
        byte[] file = File.ReadAllBytes(path);
        int dataOffset = (int)NpyReader.ReadHeader(path).DataOffset;
        double[] stored = Enumerable.Range(0, data.Length)
            .Select(i => BinaryPrimitives.ReadDoubleLittleEndian(file.AsSpan(dataOffset + (i * 8))))
            .ToArray();

        Assert.Multiple(() =>
        {
            Assert.That(array.SourceDtype, Is.EqualTo(NpyDtype.Float64));
            Assert.That(array.Shape, Is.EqualTo(new long[] { 3, 2 }));
            Assert.That(array.Data, Is.EqualTo(data.Select(v => (float)v).ToArray()));
            Assert.That(stored, Is.EqualTo(data));
            Assert.That(file, Has.Length.EqualTo(dataOffset + (data.Length * 8)));
        });
    }

    [Test]
    public void Write_Int_RoundTripsThroughReader()
    {
        int[] data = [0, -1, 1, 16_777_216, -16_777_216, 12345];
        string path = _temp.PathOf("int.npy");

        NpyWriter.Write(path, data, [6]);
        NpyArray array = NpyReader.ReadFloat32(path);

        Assert.Multiple(() =>
        {
            Assert.That(array.SourceDtype, Is.EqualTo(NpyDtype.Int32));
            Assert.That(array.Shape, Is.EqualTo(new long[] { 6 }));
            Assert.That(array.Data, Is.EqualTo(data.Select(v => (float)v).ToArray()));
        });
    }

    [TestCase(new long[0], "()")]
    [TestCase(new long[] { 5 }, "(5,)")]
    [TestCase(new long[] { 2, 3 }, "(2, 3)")]
    [TestCase(new long[] { 36, 36, 128, 128 }, "(36, 36, 128, 128)")]
    public void Write_AnyShape_HeaderFollowsSpec(long[] shape, string shapeText)
    {
        long count = shape.Aggregate(1L, (a, b) => a * b);
        string path = _temp.PathOf("layout.npy");

        NpyWriter.Write(path, new float[count], shape);
        byte[] file = File.ReadAllBytes(path);
        int headerLength = BinaryPrimitives.ReadUInt16LittleEndian(file.AsSpan(8));
        string header = Encoding.ASCII.GetString(file, 10, headerLength);
        string dict = $"{{'descr': '<f4', 'fortran_order': False, 'shape': {shapeText}, }}";

        Assert.Multiple(() =>
        {
            Assert.That(file.AsSpan(0, 6).ToArray(), Is.EqualTo(new byte[] { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y' }));
            Assert.That(file[6], Is.EqualTo((byte)1));
            Assert.That(file[7], Is.EqualTo((byte)0));
            Assert.That((10 + headerLength) % 64, Is.Zero);
            Assert.That(header, Does.StartWith(dict));
            Assert.That(header[dict.Length..^1].Trim(' '), Is.Empty);
            Assert.That(header[^1], Is.EqualTo('\n'));
            Assert.That(file, Has.Length.EqualTo(10 + headerLength + (count * 4)));
        });
    }

    [Test]
    public void Write_HeaderLongerThan65535Bytes_UsesVersion2()
    {
        // 22 000 unit dimensions make a dict of about 66 000 characters, too long for a uint16 length.
        long[] shape = Enumerable.Repeat(1L, 22_000).ToArray();
        string path = _temp.PathOf("v2.npy");

        NpyWriter.Write(path, [42f], shape);
        byte[] file = File.ReadAllBytes(path);
        uint headerLength = BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(8));
        NpyArray array = NpyReader.ReadFloat32(path);

        Assert.Multiple(() =>
        {
            Assert.That(file[6], Is.EqualTo((byte)2));
            Assert.That(file[7], Is.EqualTo((byte)0));
            Assert.That(headerLength, Is.GreaterThan((uint)ushort.MaxValue));
            Assert.That((12 + headerLength) % 64, Is.Zero);
            Assert.That(file[12 + (int)headerLength - 1], Is.EqualTo((byte)'\n'));
            Assert.That(array.Shape, Is.EqualTo(shape));
            Assert.That(array.Data, Is.EqualTo(new float[] { 42f }));
        });
    }

    [Test]
    public void Write_ZeroDimensional_RoundTripsOneElement()
    {
        string path = _temp.PathOf("scalar.npy");

        NpyWriter.Write(path, [2.5], []);
        NpyArray array = NpyReader.ReadFloat32(path);

        Assert.Multiple(() =>
        {
            Assert.That(array.Shape, Is.Empty);
            Assert.That(array.Data, Is.EqualTo(new float[] { 2.5f }));
        });
    }

    [Test]
    public void Write_ZeroSizedDimension_RoundTripsEmpty()
    {
        string path = _temp.PathOf("empty.npy");

        NpyWriter.Write(path, ReadOnlySpan<int>.Empty, [0, 3]);
        NpyArray array = NpyReader.ReadFloat32(path);

        Assert.Multiple(() =>
        {
            Assert.That(array.Shape, Is.EqualTo(new long[] { 0, 3 }));
            Assert.That(array.Data, Is.Empty);
        });
    }

    [Test]
    public void Write_LengthDiffersFromShape_ThrowsArgumentExceptionNamingBoth()
    {
        string path = _temp.PathOf("mismatch.npy");

        var ex = Assert.Throws<ArgumentException>(() => NpyWriter.Write(path, new float[5], [2, 3]));

        Assert.Multiple(() =>
        {
            Assert.That(ex!.Message, Does.Contain("5 elements"));
            Assert.That(ex.Message, Does.Contain("(2, 3)"));
            Assert.That(ex.Message, Does.Contain("has 6"));
            Assert.That(File.Exists(path), Is.False);
            Assert.That(File.Exists(path + ".tmp"), Is.False);
        });
    }

    [Test]
    public void Write_NegativeDimension_ThrowsArgumentException()
    {
        var ex = Assert.Throws<ArgumentException>(() => NpyWriter.Write(_temp.PathOf("negative.npy"), new float[0], [-1, 0]));

        Assert.That(ex!.Message, Does.Contain("negative"));
    }

    [Test]
    public void Write_OverflowingShape_ThrowsArgumentException()
    {
        var ex = Assert.Throws<ArgumentException>(() => NpyWriter.Write(_temp.PathOf("overflow.npy"), new float[0], [1L << 40, 1L << 40]));

        Assert.That(ex!.Message, Does.Contain("overflow"));
    }

    [Test]
    public void Write_ExistingFile_IsReplacedWithoutLeavingTempFile()
    {
        string path = _temp.PathOf("replace.npy");
        File.WriteAllText(path, "old content that is not an npy file");

        NpyWriter.Write(path, [1f, 2f], [2]);

        Assert.Multiple(() =>
        {
            Assert.That(NpyReader.ReadFloat32(path).Data, Is.EqualTo(new float[] { 1f, 2f }));
            Assert.That(File.Exists(path + ".tmp"), Is.False);
            Assert.That(Directory.GetFiles(_temp.Path), Has.Length.EqualTo(1));
        });
    }

    [Test]
    public void Write_InvalidArguments_LeaveExistingFileUntouched()
    {
        string path = _temp.PathOf("keep.npy");
        NpyWriter.Write(path, [1f, 2f, 3f], [3]);
        byte[] before = File.ReadAllBytes(path);

        Assert.Throws<ArgumentException>(() => NpyWriter.Write(path, [9f], [3]));

        Assert.Multiple(() =>
        {
            Assert.That(File.ReadAllBytes(path), Is.EqualTo(before));
            Assert.That(File.Exists(path + ".tmp"), Is.False);
        });
    }

    [Test]
    public void Write_MissingDirectory_ThrowsAndLeavesNoFile()
    {
        string path = Path.Combine(_temp.Path, "nowhere", "x.npy");

        Assert.Throws<DirectoryNotFoundException>(() => NpyWriter.Write(path, [1f], [1]));

        Assert.That(Directory.Exists(Path.Combine(_temp.Path, "nowhere")), Is.False);
    }

}
