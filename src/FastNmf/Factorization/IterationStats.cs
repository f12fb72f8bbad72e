namespace FastNmf;

/// <summary>
/// What one iteration reports (Step 7): the MSE of the current W, H and the L1 norms of their changes.
/// </summary>
/// <param name="Restart">Restart index (0-based).</param>
/// <param name="Iteration">Iteration index (0-based) within the restart.</param>
/// <param name="Mse">mean((X − WH)²) over unmasked elements, from the Gram/trace identity.</param>
/// <param name="DeltaW">‖W⁽ⁱ⁺¹⁾ − W⁽ⁱ⁾‖₁ (W⁽⁰⁾ = 0).</param>
/// <param name="DeltaH">‖H⁽ⁱ⁺¹⁾ − H⁽ⁱ⁾‖₁ (H⁽⁰⁾ the random start).</param>
public readonly record struct IterationStats(int Restart, int Iteration, double Mse, double DeltaW, double DeltaH);
