using FastNmf.Constraints;
using FastNmf.Data;
using FastNmf.Simulation;

namespace FastNmf.Benchmarks.Model;

/// <summary>Seeded data for the projection benchmarks: a model of k smooth random diffractions, and counted frames.</summary>
internal static class ProjectionSetup
{
    public static NmfModel Model(int k, int det)
    {
        var rng = new Random(1);
        var w = new float[k * det * det];
        for (int i = 0; i < w.Length; i++)
        {
            w[i] = (float)rng.NextDouble();
        }

        return NmfModel.Create(w, k, PixelMap.Create(det, det), MapConstraint.Convolution, NmfOptions.PaperMapKernel);
    }

    /// <summary>Frames of the paper's simulation (counts), as float32 and uint16.</summary>
    public static (float[] F32, ushort[] U16) Frames(int frames, int det, int seed)
    {
        int cols = 64;
        (Dataset4D data, _) = Simulator.Generate(new SimulationOptions { ScanRows = frames / cols, ScanCols = cols, DetRows = det, DetCols = det, Seed = (ulong)seed });
        return (data.Data, data.Data.Select(v => (ushort)v).ToArray());
    }
}
