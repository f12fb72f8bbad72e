using FastNmf.IO;
using FastNmf.Tests.TestSupport;
using NUnit.Framework;

namespace FastNmf.Tests.IO;

/// <summary>
/// Real Merlin acquisitions, where a directory of them is given (FASTNMF_MIB_SAMPLES: the Quantum Detectors sample
/// files of rosettasciio's test suite, Merlin_Single_Quad.zip, which this repository does not redistribute). A quad
/// RAW file declares its 1024×256 readout; decoded, it must be the 512×512 image its U08 twin of the same set holds.
/// Ignored without the directory.
/// </summary>
public sealed class MibRealSampleTests
{
    private static string Sample(string name)
    {
        string? dir = Environment.GetEnvironmentVariable("FASTNMF_MIB_SAMPLES");
        if (string.IsNullOrEmpty(dir) || !File.Exists(Path.Combine(dir, name)))
        {
            Assert.Ignore("set FASTNMF_MIB_SAMPLES to a directory of the Merlin sample files (rosettasciio's Merlin_Single_Quad.zip)");
        }

        return Path.Combine(dir!, name);
    }

    [TestCase("Quad_1_Frame_CounterDepth_1_Rows_256RAW.mib", "Quad_1_Frame_CounterDepth_1_Rows_256.mib", 1)]
    [TestCase("Quad_9_Frame_CounterDepth_1_Rows_256RAW.mib", "Quad_9_Frame_CounterDepth_1_Rows_256.mib", 9)]
    public void Open_QuadRaw1Bit_DecodesToTheImageOfItsU08Twin(string raw, string u08, int frames)
    {
        var options = new FrameSourceOptions { ScanShape = new ScanShape(1, frames) };
        (float[] a, long[] shape, _) = FrameReading.OpenAndReadAll(Sample(raw), options);
        (float[] b, _, _) = FrameReading.OpenAndReadAll(Sample(u08), options);
        int equal = a.Zip(b).Count(p => p.First == p.Second);
        Assert.Multiple(() =>
        {
            Assert.That(shape, Is.EqualTo(new long[] { 1, frames, 512, 512 }));
            Assert.That(equal, Is.GreaterThan(0.999 * a.Length), "the same pixels lit (two recordings of one scene: a few differ)");
            Assert.That(a.Take(512 * 512).Sum(), Is.EqualTo(frames == 1 ? 10348 : 10319), "the first frame's counts");
        });
    }
}
