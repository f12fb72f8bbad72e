using FastNmf.Native.Errors;

namespace FastNmf.Native.Abi;

/// <summary>
/// What <c>fastnmf_factorizer_set_fast</c> sets: the preset on or off and the levers given explicitly (null: left to
/// the preset, or off without it). Applied when a run starts, once the scan's shape is known, exactly as
/// <c>fastnmf factorize --fast</c> does: the explicit levers first, then <see cref="FastPreset.Apply"/> for the rest.
/// </summary>
internal sealed record FastLevers(bool Preset, int? TrialIterations, int RestartsKept, int? CoarseScan, int FineIterations)
{
    /// <summary>The exact protocol: no preset, no lever.</summary>
    public static FastLevers Off { get; } = new(false, null, 1, null, FastPreset.FineIterations);

    /// <summary>The levers for the C arguments (0 = not given), each checked and named in the error.</summary>
    /// <exception cref="CApiException"><see cref="Status.InvalidArgument"/> naming the first bad argument.</exception>
    public static FastLevers From(int mode, int trialIterations, int keepRestarts, int coarseScan, int fineIterations)
    {
        if (mode is not (0 or 1))
        {
            throw Invalid("mode", mode, "is not FASTNMF_FAST_OFF or FASTNMF_FAST_PRESET (0, 1)");
        }

        if (trialIterations < 0)
        {
            throw Invalid("trial_iterations", trialIterations, "must be >= 1 (0 = not given)");
        }

        if (keepRestarts < 0)
        {
            throw Invalid("keep_restarts", keepRestarts, "must be >= 1 (0 = one)");
        }

        if (coarseScan is < 0 or 1)
        {
            throw Invalid("coarse_scan", coarseScan, "must bin 2 or more positions a side (0 = not given)");
        }

        if (fineIterations < 0)
        {
            throw Invalid("fine_iterations", fineIterations, "must be >= 1 (0 = 50)");
        }

        bool preset = mode == 1;
        // A lever's companion alone would be silently unused: refused, as the runner refuses it.
        if (keepRestarts > 0 && trialIterations == 0 && !preset)
        {
            throw Invalid("keep_restarts", keepRestarts, "needs trial_iterations (or FASTNMF_FAST_PRESET): it counts the restarts that go on after the trial");
        }

        if (fineIterations > 0 && coarseScan == 0 && !preset)
        {
            throw Invalid("fine_iterations", fineIterations, "needs coarse_scan (or FASTNMF_FAST_PRESET): it counts the iterations on the full scan after the binned one");
        }

        return new FastLevers(
            preset,
            trialIterations == 0 ? null : trialIterations,
            keepRestarts == 0 ? 1 : keepRestarts,
            coarseScan == 0 ? null : coarseScan,
            fineIterations == 0 ? FastPreset.FineIterations : fineIterations);
    }

    /// <summary><paramref name="options"/> with these levers for a <paramref name="scanRows"/> × <paramref name="scanCols"/>
    /// scan (<paramref name="distributed"/>: shared over ranks, where the preset adds no binned stage).</summary>
    public NmfOptions Apply(NmfOptions options, int scanRows, int scanCols, bool distributed)
    {
        NmfOptions o = options with
        {
            TrialIterations = TrialIterations,
            RestartsKept = RestartsKept,
            CoarseScan = CoarseScan,
            FineIterations = FineIterations,
        };
        return Preset ? FastPreset.Apply(o, scanRows, scanCols, distributed) : o;
    }

    /// <summary>The <c>fastnmf_factorizer_set_fast</c> argument an <see cref="NmfOptions"/> lever is set by, or null.</summary>
    public static string? AbiName(string option) => option switch
    {
        nameof(NmfOptions.TrialIterations) => "trial_iterations",
        nameof(NmfOptions.RestartsKept) => "keep_restarts",
        nameof(NmfOptions.CoarseScan) => "coarse_scan",
        nameof(NmfOptions.FineIterations) => "fine_iterations",
        _ => null,
    };

    private static CApiException Invalid(string argument, int value, string rule) =>
        new(Status.InvalidArgument, $"{argument} = {value} {rule}.");
}
