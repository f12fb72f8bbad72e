using FastNmf.Live;
using FastNmf.Streams;

namespace FastNmf.Cli.Commands;

/// <summary>
/// Runs the live path once on zeros before the first real frame: the receiver's decoding, the projection, the row
/// convolution and the residuals get compiled while the microscope is still being set up, not while the first frames
/// of the scan wait (the JIT's first, unoptimised code made the first frames' latency tens of milliseconds).
/// </summary>
internal static class LiveWarmUp
{
    public static void Run(NmfModel model)
    {
        int rows = model.Pixels.DetRows, cols = model.Pixels.DetCols, pixels = rows * cols;
        var writer = new MerlinFrameWriter(rows, cols, MerlinPixelFormat.U16);
        using var bytes = new MemoryStream();
        bytes.Write(writer.AcquisitionHeader(9, 3, 3));
        var message = new byte[writer.FrameMessageLength];
        var zeros = new float[pixels];
        for (int f = 1; f <= 9; f++)
        {
            writer.WriteFrame(zeros, f, message, "warm-up");
            bytes.Write(message);
        }

        bytes.Position = 0;
        using var reader = new MerlinStreamReader(bytes, "warm-up");
        using var scan = new LiveProjection(model, 3, 3);
        var counts = new ushort[5 * pixels];
        for (int pass = 0; pass < 2; pass++)
        {
            int n = reader.Read(counts, default, out long first);
            scan.Push(counts.AsSpan(0, n * pixels), first);
        }

        scan.Complete();
        var h = new float[model.Components * 9];
        scan.CopyMaps(h);
    }
}
