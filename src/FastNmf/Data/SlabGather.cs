using FastNmf.Distributed;

namespace FastNmf.Data;

/// <summary>Per-frame results of every rank's slab (maps, residuals) gathered into whole-scan arrays at rank 0.</summary>
public static class SlabGather
{
    /// <summary>
    /// Rank r's <paramref name="local"/> — <paramref name="rows"/> rows of its slab's frames each (k maps, or one row of
    /// residuals) — land in a rows × (whole scan) array at rank 0, each rank's frames at their place in the scan
    /// (collective; other ranks get null).
    /// </summary>
    public static float[]? Frames(Communicator comm, ReadOnlySpan<float> local, int rows, ScanSlab slab)
    {
        ArgumentNullException.ThrowIfNull(comm);
        ArgumentNullException.ThrowIfNull(slab);
        if (comm.Size == 1)
        {
            return local.ToArray();
        }

        // Every rank's place in the scan, so any split into slabs of whole canonical blocks gathers correctly.
        Span<double> places = new double[2 * comm.Size];
        places[2 * comm.Rank] = slab.FirstFrame;
        places[(2 * comm.Rank) + 1] = slab.Frames;
        comm.AllreduceMax(places);
        var counts = new int[comm.Size];
        for (int r = 0; r < comm.Size; r++)
        {
            counts[r] = checked(rows * (int)places[(2 * r) + 1]);
        }

        long total = slab.TotalFrames;
        float[] gathered = comm.Rank == 0 ? new float[checked(counts.Sum())] : [];
        comm.GatherToRoot(local, gathered, counts);
        if (comm.Rank != 0)
        {
            return null;
        }

        var whole = new float[checked(rows * total)];
        int at = 0;
        for (int r = 0; r < comm.Size; r++)
        {
            long first = (long)places[2 * r];
            int frames = (int)places[(2 * r) + 1];
            for (int c = 0; c < rows; c++)
            {
                gathered.AsSpan(at + (c * frames), frames).CopyTo(whole.AsSpan((int)((c * total) + first), frames));
            }

            at += rows * frames;
        }

        return whole;
    }
}
