namespace FastNmf;

/// <summary>Frames projected onto a model's W: their maps and what W does not explain.</summary>
public sealed class Projection
{
    internal Projection(float[] h, double[] residual, int components, int scanRows, int scanCols, int keptPixels, bool mapConstraintApplied)
    {
        H = h;
        Residual = residual;
        Components = components;
        ScanRows = scanRows;
        ScanCols = scanCols;
        KeptPixels = keptPixels;
        MapConstraintApplied = mapConstraintApplied;
    }

    /// <summary>n_k.</summary>
    public int Components { get; }

    /// <summary>Scan rows of the maps.</summary>
    public int ScanRows { get; }

    /// <summary>Scan columns of the maps.</summary>
    public int ScanCols { get; }

    /// <summary>Kept pixels per frame (the residual's n_uv).</summary>
    public int KeptPixels { get; }

    /// <summary>Maps, k × ScanRows × ScanCols row-major, in counts (W has unit L1 norm per diffraction).</summary>
    public float[] H { get; }

    /// <summary>‖x − Wh‖² per frame over the kept pixels (scan order).</summary>
    public double[] Residual { get; }

    /// <summary>Whether the map constraint's convolution was applied over the whole maps.</summary>
    public bool MapConstraintApplied { get; }

    /// <summary>The mean squared residual per frame, ‖x − Wh‖² / n_uv (ScanRows × ScanCols).</summary>
    public float[] MeanSquaredResidual() => Residual.Select(r => (float)(r / KeptPixels)).ToArray();

    /// <summary>The MSE over all frames: Σ‖x − Wh‖² / (n_uv · n_xy); frames a live scan lost (NaN) are left out.</summary>
    public double Mse
    {
        get
        {
            double sum = 0;
            long frames = 0;
            foreach (double r in Residual)
            {
                if (!double.IsNaN(r))
                {
                    sum += r;
                    frames++;
                }
            }

            return sum / ((double)KeptPixels * Math.Max(1, frames));
        }
    }

    /// <summary>The projection of the whole scan at rank 0 from every rank's projection of its slab (collective;
    /// other ranks get null): the maps gathered, the residuals summed exactly into place.</summary>
    public Projection? GatherToRoot(Distributed.Communicator comm, Data.ScanSlab slab)
    {
        ArgumentNullException.ThrowIfNull(comm);
        ArgumentNullException.ThrowIfNull(slab);
        float[]? h = Data.SlabGather.Frames(comm, H, Components, slab);
        var residual = new double[comm.Size == 1 ? 0 : slab.TotalFrames];
        if (comm.Size > 1)
        {
            Residual.CopyTo(residual.AsSpan((int)slab.FirstFrame));
            comm.AllreduceSum(residual);
        }

        return comm.Rank != 0 ? null
            : new Projection(h!, comm.Size == 1 ? Residual : residual, Components, slab.ScanRows, slab.ScanCols, KeptPixels, MapConstraintApplied);
    }
}
