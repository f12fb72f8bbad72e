using FastNmf.Hdf5.Results;

namespace FastNmf.Cli.Commands;

/// <summary>The model of a factorize output directory: results.h5 where it is there, else W.npy + summary.json.</summary>
internal static class ModelLoader
{
    public static NmfModel Load(string directory, string option)
    {
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"{option} {directory}: no such directory (a model is a fastnmf factorize output directory).");
        }

        string h5 = Path.Combine(directory, "results.h5");
        NmfModel model = File.Exists(h5) ? ResultsFile.ReadModel(h5) : NmfModel.Load(directory);
        Console.WriteLine($"model: {Path.GetFullPath(directory)} ({(File.Exists(h5) ? "results.h5" : "W.npy + summary.json")}): k = {model.Components}, " +
            $"{model.Pixels.DetRows}×{model.Pixels.DetCols} detector, {model.Pixels.KeptCount} kept pixels, map constraint {model.MapConstraint}" +
            (model.Ridge > 0 ? $", WᵀW inverted with ridge {model.Ridge:E1}" : string.Empty));
        return model;
    }
}
