using FastNmf.Memory;

namespace FastNmf.Factorization;

/// <summary>
/// Restarts stopped and taken on (<see cref="NmfOptions.TrialIterations"/>): a slot saved as a <see cref="RestartState"/>
/// after a batch stopped early, and states loaded back into slots to run to the last iteration with the bits they would
/// have had without the stop.
/// </summary>
internal sealed partial class NmfSolver
{
    /// <summary>
    /// Takes restarts stopped after <paramref name="from"/> iterations (<see cref="Save"/>) on to the last iteration,
    /// together in slots 0 … states.Length − 1. Each ends with the bits it would have had run without the stop: its W
    /// and H come back as they were, and H·X, HHᵀ and the grids are formed from them as the last iteration formed them.
    /// </summary>
    public RestartSummary[] Continue(IReadOnlyList<RestartState> states, int from, Action<IterationStats>? progress, CancellationToken cancel)
    {
        if (states.Count < 1 || states.Count > _ws.Batch)
        {
            throw new ArgumentOutOfRangeException(nameof(states), $"a batch holds 1 to {_ws.Batch} restarts, got {states.Count}.");
        }

        var histories = new IterationHistory[states.Count];
        for (int r = 0; r < states.Count; r++)
        {
            Load(r, states[r]);
            histories[r] = states[r].History;
        }

        return Advance(states.Count, from, _options.Iterations, histories, progress, cancel);
    }

    /// <summary>Restart slot <paramref name="r"/> as it stands after the last batch or continuation.</summary>
    public RestartState Save(int r, IterationHistory history)
    {
        MatrixView w = _ws.Of(_ws.WView, r);
        MatrixView h = _ws.Of(_ws.HView, r);
        var ws = new float[_k * _ws.NUv];
        var hs = new float[_k * _ws.NXy];
        var gramDiagonal = new double[_k];
        for (int c = 0; c < _k; c++)
        {
            w.Row(c).CopyTo(ws.AsSpan(c * _ws.NUv, _ws.NUv));
            h.Row(c).CopyTo(hs.AsSpan(c * _ws.NXy, _ws.NXy));
            gramDiagonal[c] = _ws.GramH[r][(c * _k) + c];
        }

        return new RestartState
        {
            Restart = _restartOf[r],
            Seed = _seedOf[r],
            W = ws,
            H = hs,
            GramDiagonal = gramDiagonal,
            Reseeding = _rng[r],
            Active = _active[r],
            Mse = _mse[r],
            Iterations = _done[r],
            RidgeSolves = _ridgeSolves[r],
            MaxRidge = _maxRidge[r],
            Reseeds = _reseeds[r],
            History = history,
        };
    }

    /// <summary>A saved restart that is already final (it met the tolerance) as the best so far: its W and H and
    /// ‖h_c‖₂², as <see cref="KeepAsBest(int)"/> copies them from a slot.</summary>
    public void KeepAsBest(RestartState s)
    {
        s.W.CopyTo(_ws.BestW, 0);
        s.H.CopyTo(_ws.BestH, 0);
        s.GramDiagonal.CopyTo(_ws.BestGramDiagonal, 0);
    }

    private void Load(int r, RestartState s)
    {
        MatrixView w = _ws.Of(_ws.WView, r);
        MatrixView h = _ws.Of(_ws.HView, r);
        for (int c = 0; c < _k; c++)
        {
            s.W.AsSpan(c * _ws.NUv, _ws.NUv).CopyTo(w.Row(c));
            s.H.AsSpan(c * _ws.NXy, _ws.NXy).CopyTo(h.Row(c));
        }

        _restartOf[r] = s.Restart;
        _seedOf[r] = s.Seed;
        _rng[r] = s.Reseeding;
        _active[r] = s.Active;
        _mse[r] = s.Mse;
        _done[r] = s.Iterations;
        _ridgeSolves[r] = s.RidgeSolves;
        _maxRidge[r] = s.MaxRidge;
        _reseeds[r] = s.Reseeds;
    }
}
