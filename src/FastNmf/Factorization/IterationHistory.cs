namespace FastNmf;

/// <summary>Per-iteration monitoring values of one restart (Step 7), index = iteration.</summary>
public sealed class IterationHistory
{
    internal IterationHistory(int capacity)
    {
        Mse = new double[capacity];
        DeltaW = new double[capacity];
        DeltaH = new double[capacity];
    }

    /// <summary>MSE per iteration.</summary>
    public double[] Mse { get; private set; }

    /// <summary>‖ΔW‖₁ per iteration.</summary>
    public double[] DeltaW { get; private set; }

    /// <summary>‖ΔH‖₁ per iteration.</summary>
    public double[] DeltaH { get; private set; }

    /// <summary>Iterations recorded.</summary>
    public int Count => Mse.Length;

    internal void Record(in IterationStats s)
    {
        Mse[s.Iteration] = s.Mse;
        DeltaW[s.Iteration] = s.DeltaW;
        DeltaH[s.Iteration] = s.DeltaH;
    }

    internal void Truncate(int count)
    {
        Mse = Mse[..count];
        DeltaW = DeltaW[..count];
        DeltaH = DeltaH[..count];
    }
}
