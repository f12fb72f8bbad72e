using FastNmf.Data;
using FastNmf.Distributed;

namespace FastNmf.Tests.TestSupport;

/// <summary>One factorization split over ranks as a distributed run splits it: each rank (a thread of
/// <see cref="InProcessGroup"/>) holds its canonical slab of <paramref name="x"/>'s scan rows.</summary>
internal static class SplitRuns
{
    public static NmfResult[] Factorize(UnfoldedData x, NmfOptions options, int ranks)
    {
        FrameBlocks blocks = FrameBlocks.For(x.ScanRows, x.ScanCols);
        return InProcessGroup.Run(ranks, comm =>
        {
            ScanSlab slab = blocks.Slab(comm.Rank, comm.Size);
            using UnfoldedData view = x.SlabView(slab.FirstRow, slab.Rows);
            return Factorizer.Run(view, options, comm);
        });
    }
}
