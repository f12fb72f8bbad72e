using System.CommandLine;
using FastNmf.Cli.Output;
using FastNmf.Hdf5.Results;
using FastNmf.IO;

namespace FastNmf.Cli.Commands;

/// <summary>
/// <c>fastnmf export DIR --format tiff|npy|h5 [--out DIR2] [--single]</c>: W and H of a factorization (from DIR's W.npy and
/// H.npy, else its results.h5) as files other programs open: multi-page 32-bit float TIFF stacks (DigitalMicrograph,
/// Fiji), .npy, or an HDF5 file. The output directory goes through the same staging as every other output: an existing
/// non-empty one is refused, a failed export leaves nothing.
/// </summary>
internal static class ExportCommand
{
    public static Command Create()
    {
        var input = new Argument<string>("dir") { Description = "A factorize/demo output directory (W.npy and H.npy, or results.h5)." };
        var format = new Option<string>("--format") { Description = "tiff (multi-page 32-bit float stacks W.tif, H.tif), npy (W.npy, H.npy) or h5 (factors.h5 with /W, /H).", Required = true };
        format.AcceptOnlyFromAmong("tiff", "npy", "h5");
        var output = new Option<string?>("--out") { Description = "Output directory (must not exist or be empty); default DIR/export-FORMAT." };
        var single = new Option<bool>("--single") { Description = "With tiff: also one file per component (W_00.tif, H_00.tif, …)." };
        var command = new Command("export", "Write W and H of a result directory as TIFF stacks (32-bit float), .npy or HDF5.") { input, format, output, single };
        command.SetAction(p => CliErrors.Run(() =>
        {
            string dir = p.GetValue(input)!;
            string kind = p.GetValue(format)!;
            (float[] w, int[] ws, float[] h, int[] hs) = Load(dir);
            using OutputDirectory target = OutputDirectory.Begin(p.GetValue(output) ?? Path.Combine(dir, "export-" + kind));
            var written = new List<string>();
            switch (kind)
            {
                case "tiff":
                    Tiff(target, "W", w, ws, written, p.GetValue(single));
                    Tiff(target, "H", h, hs, written, p.GetValue(single));
                    break;
                case "npy":
                    NpyWriter.Write(target.File("W.npy"), w, [ws[0], ws[1], ws[2]]);
                    NpyWriter.Write(target.File("H.npy"), h, [hs[0], hs[1], hs[2]]);
                    written.AddRange(["W.npy", "H.npy"]);
                    break;
                default:
                    ResultsFile.WriteFactors(target.File("factors.h5"), w, ws, h, hs, Path.GetFullPath(dir));
                    written.Add("factors.h5");
                    break;
            }

            target.Commit();
            Console.WriteLine($"wrote {target.Final}: {string.Join(", ", written.Count > 6 ? [.. written.Take(6), "…"] : written)}");
            return 0;
        }));
        return command;
    }

    private static (float[] W, int[] WShape, float[] H, int[] HShape) Load(string dir)
    {
        string wPath = Path.Combine(dir, "W.npy"), hPath = Path.Combine(dir, "H.npy"), h5 = Path.Combine(dir, "results.h5");
        if (File.Exists(wPath) && File.Exists(hPath))
        {
            NpyArray w = NpyReader.ReadFloat32(wPath), h = NpyReader.ReadFloat32(hPath);
            if (w.Shape.Length != 3 || h.Shape.Length != 3 || w.Shape[0] != h.Shape[0])
            {
                throw new DataFormatException(dir, null, $"W.npy ({string.Join(", ", w.Shape)}) and H.npy ({string.Join(", ", h.Shape)}) are not (k, rows, cols) stacks of the same k.");
            }

            return (w.Data, w.Shape.Select(d => (int)d).ToArray(), h.Data, h.Shape.Select(d => (int)d).ToArray());
        }

        if (File.Exists(h5))
        {
            (float[] w, float[] h, int[] ws, int[] hs) = ResultsFile.Read(h5);
            return (w, ws, h, hs);
        }

        throw new DataFormatException(dir, null, "holds neither W.npy and H.npy nor results.h5: not a FastNmf result directory.");
    }

    private static void Tiff(OutputDirectory target, string name, float[] stack, int[] shape, List<string> written, bool single)
    {
        string what = name == "W" ? "diffractions (columns of W), unit L1 norm" : "maps (rows of H), counts";
        TiffWriter.Write(target.File(name + ".tif"), stack, shape[0], shape[1], shape[2], $"FastNmf {what}; {shape[0]} components");
        written.Add(name + ".tif");
        if (single)
        {
            int n = shape[1] * shape[2];
            for (int c = 0; c < shape[0]; c++)
            {
                string file = $"{name}_{c:D2}.tif";
                TiffWriter.Write(target.File(file), stack.AsSpan(c * n, n), 1, shape[1], shape[2], $"FastNmf {what}; component {c}");
                written.Add(file);
            }
        }
    }
}
