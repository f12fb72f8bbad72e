using FastNmf.IO;

namespace FastNmf.Tests.TestSupport;

/// <summary>Reads whole sources for comparisons, in deliberately uneven blocks so block boundaries are exercised.</summary>
internal static class FrameReading
{
    /// <summary>Every frame, read as blocks of 1, 2, 3, … frames.</summary>
    public static float[] ReadAll(FrameSource source)
    {
        var all = new float[source.FrameCount * source.FrameLength];
        long first = 0;
        for (int block = 1; first < source.FrameCount; block++)
        {
            int count = (int)Math.Min(block, source.FrameCount - first);
            source.ReadFrames(first, count, all.AsSpan((int)(first * source.FrameLength), count * source.FrameLength));
            first += count;
        }

        return all;
    }

    /// <summary>Opens <paramref name="path"/> through the registry and reads every frame.</summary>
    public static (float[] Values, long[] Shape, string Format) OpenAndReadAll(string path, FrameSourceOptions? options = null)
    {
        using FrameSource source = FrameFormats.Open(path, options);
        return (ReadAll(source), source.Shape, source.Format);
    }
}
