using FastNmf.Data;
using FastNmf.IO;

namespace FastNmf.Cli.Commands;

/// <summary><c>--init-from DIR</c>: restart 0 starts from a previous run's W (and its H when the scan is the same).</summary>
internal static class WarmStart
{
    public static NmfOptions From(string directory, UnfoldedData x, NmfOptions options)
    {
        NmfModel model = ModelLoader.Load(directory, "--init-from");
        if (model.Components != options.Components)
        {
            throw new UsageException($"--init-from {directory} holds k = {model.Components} components, -k asks for {options.Components}.");
        }

        if (model.Pixels.DetRows != x.DetRows || model.Pixels.DetCols != x.DetCols)
        {
            throw new UsageException($"--init-from {directory}: its W is {model.Pixels.DetRows}×{model.Pixels.DetCols}, this detector {x.DetRows}×{x.DetCols} (after crop/bin).");
        }

        float[] w = x.Pixels.Unfold(model.W, model.Components);
        float[]? h = null;
        string hPath = Path.Combine(directory, "H.npy");
        if (File.Exists(hPath))
        {
            NpyArray stored = NpyReader.ReadFloat32(hPath);
            if (stored.Shape is [long k, long rows, long cols] && k == model.Components && rows == x.ScanRows && cols == x.ScanCols)
            {
                h = stored.Data;
            }
        }

        Console.WriteLine($"warm start: restart 0 from {directory}'s W{(h is null ? " (H from one H-step on it)" : " and H")}" +
            (options.Restarts > 1 ? $"; restarts 2–{options.Restarts} start at random" : string.Empty));
        return options with { InitialW = w, InitialH = h };
    }
}
