using FastNmf.Kernels.Reductions;
using FastNmf.Kernels.Threading;
using FastNmf.Memory;

namespace FastNmf.Storage;

/// <summary>The reduced H·X accumulators of row layout (K × stride doubles) converted to the float32 factor rows, split
/// across the team by rows.</summary>
internal sealed unsafe class AccumulatorToFactor : ITeamWork
{
    public double* Acc { get; set; }

    public long AccStride { get; set; }

    public MatrixView A { get; set; }

    public void Execute(int part, int start, int end)
    {
        for (int r = start; r < end; r++)
        {
            ExactFold.ToSingle(Acc + (r * AccStride), A.RowPointer(r), A.Cols);
        }
    }
}
