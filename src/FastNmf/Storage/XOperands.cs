using FastNmf.Data;
using FastNmf.Kernels;
using FastNmf.Kernels.Threading;

namespace FastNmf.Storage;

/// <summary>The operand of a storage format over X as read: the one place a <see cref="XStorage"/> becomes an
/// <see cref="IXOperand"/>.</summary>
internal static class XOperands
{
    /// <summary>The operand of <paramref name="storage"/> (resolved, not Auto) for up to <paramref name="rows"/> stacked
    /// rows (k × restarts per pass); <paramref name="layout"/> defaults to X's own (one process).</summary>
    /// <exception cref="ArgumentException">uint16 storage of values that are not counts, or float32 storage of uint16 X.</exception>
    public static IXOperand Create(UnfoldedData x, XStorage storage, KernelSet kernels, WorkerTeam team, int rows, FoldLayout? layout = null)
    {
        layout ??= FoldLayout.Of(x);
        return storage switch
        {
            XStorage.Sparse => SparseXOperand.Create(x, kernels.SparseWidth, team, layout, rows),
            XStorage.DenseUInt16 => new UInt16XOperand(x.IsUInt16 ? x.Counts!.Borrow() : UInt16Frames.CopyOf(x.Frames), kernels.DenseWidth, team, layout, rows),
            XStorage.Dense => new DenseXOperand(x.Frames, kernels.Products, team, layout, rows),
            _ => throw new ArgumentException($"storage {storage} is not a storage format (resolve Auto first).", nameof(storage)),
        };
    }
}
