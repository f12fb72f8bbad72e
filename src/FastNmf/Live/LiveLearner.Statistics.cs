using System.Numerics.Tensors;
using FastNmf.Kernels.SmallSolve;
using FastNmf.Memory;

namespace FastNmf.Live;

// The learner's statistics: each block's h, A += (H·X)ᵀ and B += h hᵀ, and the refresh of W from them.
public sealed unsafe partial class LiveLearner
{
    // Frames [first, first + count): h on the current W, into the maps and the statistics; a refresh when due.
    private void Learn(int first, int count)
    {
        for (int done = 0; done < count;)
        {
            int m = (int)Math.Min(Math.Min(Block, count - done), Math.Max(1, _refresh - _sinceRefresh));
            int at = first + done;
            Project(at, m);
            ToMaps(at, m);
            if (_options.ForgetFactor < 1)
            {
                double keep = Math.Pow(_options.ForgetFactor, (double)m / _refresh);
                TensorPrimitives.Multiply(_a, keep, _a);
                TensorPrimitives.Multiply(_b, keep, _b);
            }

            Accumulate(at, m);
            done += m;
            _sinceRefresh += m;
            if (_sinceRefresh >= _refresh)
            {
                Refresh();
                if (Received >= _nextRepass && !_completed)
                {
                    Repass(_options.Repasses);
                    _nextRepass = 2L * Received;
                }
            }
        }
    }

    // h (frame-major, into _h) and the residuals of m frames from position at, on the current W; the worst frame noted.
    private void Project(int at, int m)
    {
        ProjectFrames(at, m);
        ReadOnlySpan<double> residual = _residual.AsSpan(0, m);
        for (int j = 0; j < m; j++)
        {
            if (residual[j] > _worstResidual)
            {
                _worstResidual = residual[j];
                _worstFrame = at + j;
            }

        }
    }

    private void ToMaps(int at, int m)
    {
        for (int j = 0; j < m; j++)
        {
            for (int c = 0; c < _k; c++)
            {
                _maps[((long)c * _n) + at + j] = _h[(j * _k) + c];
            }
        }
    }

    // A += (H·X)ᵀ and B += h hᵀ for m frames from position at, their h in _h (frame-major): the block's H·X by the
    // batch solver's dense lane kernel in float (uint16 frames read in place), folded into A in double.
    private void Accumulate(int at, int m)
    {
        int k = _k;
        ReadOnlySpan<float> h = _h.AsSpan(0, m * k);
        float* ht = _hT.Pointer;
        for (int j = 0; j < m; j++)
        {
            for (int c = 0; c < k; c++)
            {
                ht[(c * m) + j] = h[(j * k) + c];
            }
        }

        AccumulateFrames(at, m);
        for (int j = 0; j < m; j++)
        {
            ReadOnlySpan<float> hj = h.Slice(j * k, k);
            for (int c = 0; c < k; c++)
            {
                for (int d = 0; d < k; d++)
                {
                    _b[(c * k) + d] += (double)hj[c] * hj[d];
                }
            }
        }
    }

    // W = [A B⁻¹] → [·]_W → unit L1 norm, A and B rescaled by the norms; dead components re-seeded.
    private void Refresh()
    {
        int k = _k, kept = _pixels.KeptCount;
        double maxDiag = 0;
        for (int c = 0; c < k; c++)
        {
            maxDiag = Math.Max(maxDiag, _b[(c * k) + c]);
        }

        for (int c = 0; c < k; c++)
        {
            if (_b[(c * k) + c] <= 1e-9 * maxDiag && _worstFrame >= 0)
            {
                Reseed(c);
                _worstFrame = -1;
            }
        }

        CholeskyInverse.Invert(_b, _bInverse, _scratch, k);
        // W's row c = Σ_d (B⁻¹)_dc · A's row d, over the kept pixels.
        var w = new float[k * kept];
        ReadOnlySpan<int> keptPixels = _pixels.KeptPixels;
        int pixels = _pixels.DetectorPixels;
        double[] row = _wRow;
        for (int c = 0; c < k; c++)
        {
            Array.Clear(row);
            for (int d = 0; d < k; d++)
            {
                TensorPrimitives.MultiplyAdd(_a.AsSpan(d * pixels, pixels), _bInverse[(d * k) + c], row, row);
            }

            Span<float> wc = w.AsSpan(c * kept, kept);
            for (int u = 0; u < kept; u++)
            {
                wc[u] = (float)row[keptPixels[u]];
            }
        }

        fixed (float* wp = w)
        {
            _constrain.W = new MatrixView(wp, k, kept, kept);
            _constrain.Execute(0, 0, k);
        }

        for (int c = 0; c < k; c++)
        {
            double s = _norms[c] > 0 && float.IsFinite(_norms[c]) ? _norms[c] : 1;
            TensorPrimitives.Multiply(_a.AsSpan(c * pixels, pixels), s, _a.AsSpan(c * pixels, pixels));

            for (int d = 0; d < k; d++)
            {
                _b[(c * k) + d] *= s;
                _b[(d * k) + c] *= s;
            }
        }

        SetModel(w);
        _sinceRefresh = 0;
        _worstFrame = -1;
        _worstResidual = -1;
        Refreshes++;
    }

    // Component c explains nothing: it becomes the frame W explained worst (its statistics start again from zero).
    private void Reseed(int c)
    {
        int k = _k, pixels = _pixels.DetectorPixels;
        Span<double> row = _a.AsSpan(c * pixels, pixels);

        for (int d = 0; d < k; d++)
        {
            _b[(c * k) + d] = 0;
            _b[(d * k) + c] = 0;
        }

        // A = x hᵀ with h = 1 for that frame: W's column becomes the frame itself after the solve.
        for (int u = 0; u < pixels; u++)
        {
            row[u] = _counts is not null ? _counts.At(_worstFrame)[u] : _floats!.At(_worstFrame)[u];
        }

        _b[(c * k) + c] = 1;
        Reseeds++;
    }

    private void SetModel(float[] keptW)
    {
        NmfOptions o = _options.Batch;
        MapConstraint map = o.Method == NmfMethod.Constrained ? o.MapConstraint : MapConstraint.NonNegative;
        var model = NmfModel.FromKept(keptW, _k, _pixels, map, o.MapKernel);
        ModelProjector[] projectors = new ModelProjector[_team?.Threads ?? 1];
        for (int t = 0; t < projectors.Length; t++)
        {
            projectors[t] = model.CreateProjector(Block);
        }

        foreach (ModelProjector p in _projectors)
        {
            p.Dispose();
        }

        _projectors = projectors;
        Volatile.Write(ref _model, model);
    }
}
