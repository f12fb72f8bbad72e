using FastNmf.Kernels.Reductions;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace FastNmf.Storage;

/// <summary>
/// What every operand of one run shares for the exact H·X fold: this process's canonical frame blocks (local frame
/// ranges) and, per kept pixel u, the grid of Σ_j x_ju over the whole scan — entry (c, u) of H·X is bounded by
/// max|h_c| · Σ_j x_ju, so its grid is the component's power of two times the pixel's grid.
/// </summary>
internal sealed unsafe class FoldLayout
{
    // Pinned (on the pinned object heap), so the kernels take their addresses without a handle to release.
    private readonly double[] _pixelGrid;
    private readonly double[] _pixelMagic;

    /// <param name="blocks">Local frame ranges of the canonical blocks held here, in order, covering the local frames.</param>
    /// <param name="pixelSums">Σ_j x_ju over the whole scan for every kept pixel (identical on every rank).</param>
    public FoldLayout((int Start, int Count)[] blocks, ReadOnlySpan<double> pixelSums)
    {
        Blocks = blocks;
        Pixels = pixelSums.Length;
        _pixelGrid = GC.AllocateUninitializedArray<double>(Pixels + 16, pinned: true);
        _pixelMagic = GC.AllocateUninitializedArray<double>(Pixels + 16, pinned: true);
        for (int u = 0; u < Pixels; u++)
        {
            double grid = ExactFold.Grid(pixelSums[u]);
            _pixelGrid[u] = grid;
            _pixelMagic[u] = ExactFold.Magic(grid);
        }
    }

    /// <summary>The layout of one process holding every frame of <paramref name="frames"/> in blocks of
    /// <paramref name="blockFrames"/> (tests and single-process helpers).</summary>
    public static FoldLayout Uniform(int frames, int blockFrames, ReadOnlySpan<double> pixelSums)
    {
        var blocks = new List<(int, int)>();
        for (int j = 0; j < frames; j += blockFrames)
        {
            blocks.Add((j, Math.Min(blockFrames, frames - j)));
        }

        return new FoldLayout(blocks.ToArray(), pixelSums);
    }

    /// <summary>Local frame ranges (start, count) of the canonical blocks.</summary>
    public (int Start, int Count)[] Blocks { get; }

    /// <summary>Kept pixels.</summary>
    public int Pixels { get; }

    /// <summary>Per pixel: the grid of its H·X entries for a component bounded by 1.</summary>
    public double* PixelGrid => (double*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_pixelGrid));

    /// <summary>Per pixel: <see cref="ExactFold.Magic"/> of <see cref="PixelGrid"/>.</summary>
    public double* PixelMagic => (double*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_pixelMagic));

    /// <summary>The layout of <paramref name="x"/> as one process holds it: its canonical blocks and its own statistics.</summary>
    public static FoldLayout Of(Data.UnfoldedData x) =>
        new(Data.FrameBlocks.For(x.Slab.ScanRows, x.Slab.ScanCols).LocalRanges(x.Slab), x.Statistics.PixelSums);
}
