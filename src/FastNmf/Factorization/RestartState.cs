using FastNmf.Numerics;

namespace FastNmf.Factorization;

/// <summary>
/// One restart stopped between two iterations, everything its next iterations read: W, this rank's columns of H, its
/// re-seeding stream, its counters and its history. H·X and HHᵀ are not kept: the solver forms them again from H on
/// the way back in, and the exact folds give the bits the uninterrupted run had (<see cref="NmfSolver.Continue"/>).
/// </summary>
internal sealed class RestartState
{
    public required int Restart { get; init; }

    public required ulong Seed { get; init; }

    /// <summary>k × n_uv, unpadded.</summary>
    public required float[] W { get; init; }

    /// <summary>k × this rank's n_xy.</summary>
    public required float[] H { get; init; }

    /// <summary>‖h_c‖₂² of the last reduction (the diagonal of HHᵀ, which orders and scales the kept restart's
    /// components): a restart that met the tolerance keeps its own, whatever slot it is in later.</summary>
    public required double[] GramDiagonal { get; init; }

    public required SeededRandom Reseeding { get; init; }

    /// <summary>False when it already met the tolerance (it is not advanced again).</summary>
    public required bool Active { get; init; }

    public required double Mse { get; init; }

    /// <summary>Iterations run.</summary>
    public required int Iterations { get; init; }

    public required int RidgeSolves { get; init; }

    public required double MaxRidge { get; init; }

    public required int Reseeds { get; init; }

    public required IterationHistory History { get; init; }
}
