using FastNmf.Kernels.Dense;
using FastNmf.Kernels.Lanes;
using FastNmf.Kernels.Threading;
using FastNmf.Memory;

namespace FastNmf.Live;

// The learner's two per-block products on the team (NmfOptions.Threads): each frame's h by its part's projector (a
// part = consecutive frames), and H·X folded into A (a part = consecutive 64-pixel chunks of every component row). Every
// frame's h and every pixel's sums are computed alone, in one order, so the bits do not depend on the threads.
public sealed unsafe partial class LiveLearner
{
    private const int MinFramesPerThread = 16;
    private const int PixelChunk = 64;

    private readonly WorkerTeam? _team;
    private readonly ProjectWork _projectWork;
    private readonly AccumulateWork _accumulateWork;
    private ModelProjector[] _projectors = [];

    // h and residuals of frames [at, at + m) into _h and _residual.
    private void ProjectFrames(int at, int m)
    {
        _projectWork.At = at;
        if (_team is null || m < 2 * MinFramesPerThread)
        {
            _projectWork.Execute(0, 0, m);
        }
        else
        {
            _team.Run(_projectWork, m, MinFramesPerThread);
        }
    }

    // A += (H·X)ᵀ for frames [at, at + m), their h transposed in _hT.
    private void AccumulateFrames(int at, int m)
    {
        _accumulateWork.At = at;
        _accumulateWork.Frames = m;
        int chunks = (_pixels.DetectorPixels + PixelChunk - 1) / PixelChunk;
        if (_team is null)
        {
            _accumulateWork.Execute(0, 0, chunks);
        }
        else
        {
            _team.Run(_accumulateWork, chunks, 8);
        }
    }

    private void ProjectPart(int part, int at, int start, int end)
    {
        int pixels = _pixels.DetectorPixels, k = _k;
        Span<float> h = _h.AsSpan(start * k, (end - start) * k);
        Span<double> residual = _residual.AsSpan(start, end - start);
        int length = (end - start) * pixels;
        if (_counts is not null)
        {
            _projectors[part].Project(new ReadOnlySpan<ushort>(_counts.At(at + start), length), h, residual);
        }
        else
        {
            _projectors[part].Project(new ReadOnlySpan<float>(_floats!.At(at + start), length), h, residual);
        }
    }

    private void AccumulatePart(int at, int m, int chunkStart, int chunkEnd)
    {
        int pixels = _pixels.DetectorPixels, k = _k;
        int p0 = chunkStart * PixelChunk, p1 = Math.Min(pixels, chunkEnd * PixelChunk), width = p1 - p0;
        float* xh = _xh.Pointer;
        for (int c = 0; c < k; c++)
        {
            new Span<float>(xh + ((long)c * pixels) + p0, width).Clear();
        }

        var hView = new MatrixView(_hT.Pointer, k, m, m);
        var acc = new MatrixView(xh + p0, k, width, pixels);
        LaneWidth lanes = _model!.Kernels.DenseWidth;
        if (_counts is not null)
        {
            DenseLanes.AccumulateHX<ushort, UInt16Element>(lanes, hView, _counts.At(at) + p0, pixels, m, acc);
        }
        else
        {
            DenseLanes.AccumulateHX<float, Float32Element>(lanes, hView, _floats!.At(at) + p0, pixels, m, acc);
        }

        for (int c = 0; c < k; c++)
        {
            long row = (long)c * pixels;
            for (int u = p0; u < p1; u++)
            {
                _a[row + u] += xh[row + u];
            }
        }
    }

    private sealed class ProjectWork(LiveLearner owner) : ITeamWork
    {
        public int At { get; set; }

        public void Execute(int part, int start, int end) => owner.ProjectPart(part, At, start, end);
    }

    private sealed class AccumulateWork(LiveLearner owner) : ITeamWork
    {
        public int At { get; set; }

        public int Frames { get; set; }

        public void Execute(int part, int start, int end) => owner.AccumulatePart(At, Frames, start, end);
    }
}
