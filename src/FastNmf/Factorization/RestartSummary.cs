namespace FastNmf;

/// <summary>How one restart ended.</summary>
/// <param name="Index">Restart index.</param>
/// <param name="Seed">The derived seed this restart used.</param>
/// <param name="FinalMse">MSE after its last iteration.</param>
/// <param name="Iterations">Iterations run (fewer than requested after an early stop).</param>
/// <param name="RidgeSolves">Solves of Eq. 7/8 whose Gram matrix was singular and got a ridge λI (see <see cref="MaxRidge"/>).</param>
/// <param name="MaxRidge">Largest ridge λ applied.</param>
/// <param name="Reseeds">Components that died (an all-zero column of W) and were re-seeded with random values.</param>
/// <param name="Pruned">Stopped after <see cref="NmfOptions.TrialIterations"/> because others had a lower MSE there
/// (<see cref="FinalMse"/> is then its MSE at that point); never the kept restart.</param>
public sealed record RestartSummary(int Index, ulong Seed, double FinalMse, int Iterations, int RidgeSolves, double MaxRidge, int Reseeds, bool Pruned = false);
