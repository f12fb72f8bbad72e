using BenchmarkDotNet.Attributes;
using FastNmf.Data;

namespace FastNmf.Benchmarks.Model;

/// <summary>
/// Projection onto a fitted W (k = 30, 128×128 frames): 2048 frames per operation, float32 or uint16, through one
/// <see cref="ModelProjector"/> per thread on 1 or 2 threads (the block API a detector pipeline calls), and through the
/// whole-scan <see cref="NmfModel.Project"/> (team-parallel, with [·]_H). frames/s = 2048 / the mean time.
/// </summary>
[MemoryDiagnoser]
public class ProjectionBench
{
    private const int Frames = 2048;
    private const int Pixels = 128 * 128;

    private NmfModel _model = null!;
    private float[] _f32 = null!;
    private ushort[] _u16 = null!;
    private ModelProjector[] _projectors = null!;
    private float[][] _h = null!;
    private double[][] _residual = null!;
    private UnfoldedData _x = null!;

    [Params("float32", "uint16")]
    public string Frame { get; set; } = "float32";

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _model = ProjectionSetup.Model(30, 128);
        (_f32, _u16) = ProjectionSetup.Frames(Frames, 128, seed: 3);
        _projectors = Enumerable.Range(0, Threads).Select(_ => _model.CreateProjector(256)).ToArray();
        _h = Enumerable.Range(0, Threads).Select(_ => new float[Frames * 30]).ToArray();
        _residual = Enumerable.Range(0, Threads).Select(_ => new double[Frames]).ToArray();
        using var source = new IO.ArrayFrameSource(new Dataset4D(_f32, 32, 64, 128, 128));
        _x = Frame == "uint16" ? XReader.ReadCounts(source, null, false, null) : XReader.ReadFloat32(source, null, false, false, null);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (ModelProjector p in _projectors)
        {
            p.Dispose();
        }

        _x.Dispose();
    }

    /// <summary>The block API: each thread projects its half of the frames with its own projector.</summary>
    [Benchmark]
    public void Projector()
    {
        int per = Frames / Threads;
        if (Threads == 1)
        {
            Project(0, per);
            return;
        }

        Parallel.For(0, Threads, t => Project(t, per));
    }

    /// <summary>The whole scan (32 × 64 frames) with the model's [·]_H over the maps.</summary>
    [Benchmark]
    public Projection WholeScan() => _model.Project(_x, Threads);

    private void Project(int t, int per)
    {
        if (Frame == "uint16")
        {
            _projectors[t].Project(_u16.AsSpan(t * per * Pixels, per * Pixels), _h[t].AsSpan(0, per * 30), _residual[t].AsSpan(0, per));
        }
        else
        {
            _projectors[t].Project(_f32.AsSpan(t * per * Pixels, per * Pixels), _h[t].AsSpan(0, per * 30), _residual[t].AsSpan(0, per));
        }
    }
}
