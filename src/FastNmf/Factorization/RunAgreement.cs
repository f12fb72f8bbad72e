using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using FastNmf.Data;
using FastNmf.Distributed;
using FastNmf.Kernels;

namespace FastNmf.Factorization;

/// <summary>
/// The first collective of a distributed run: every rank must factorize the same problem (options that change the
/// bits, the kept pixels, the scan) and the slabs must tile the scan in rank order. Checked with fixed-size messages
/// before any collective whose length depends on the problem, so ranks called with different arguments get one
/// error each instead of a hang or a silently wrong answer. Threads are not compared: they never change the bits.
/// </summary>
internal static class RunAgreement
{
    /// <exception cref="DistributedFailureException">some rank's problem or slab differs (every rank throws).</exception>
    public static void Check(UnfoldedData x, NmfOptions options, KernelSet kernels, Communicator comm)
    {
        if (comm.Size == 1)
        {
            return;
        }

        byte[] mine = Fingerprint(x, options, kernels);
        byte[] root = (byte[])mine.Clone();
        comm.Broadcast(root);
        Collective.AgreeOn(comm, mine.AsSpan().SequenceEqual(root) ? null : new ArgumentException(
            $"rank {comm.Rank} was called with another problem than rank 0 (options, kept pixels, scan or data type differ: {Describe(x, options)}); every rank of a distributed run needs the same ones."));
        Collective.AgreeOn(comm, Tiling(x.Slab, comm) ?? OnBlocks(x.Slab));
    }

    private static ArgumentException? OnBlocks(ScanSlab slab)
    {
        try
        {
            _ = FrameBlocks.For(slab.ScanRows, slab.ScanCols).Of(slab);
            return null;
        }
        catch (ArgumentException e)
        {
            return e;
        }
    }

    /// <summary>Runs <paramref name="step"/>; with several ranks its failure on any rank fails every rank
    /// (<see cref="DistributedFailureException"/>), in one process it throws as it is.</summary>
    public static void Together(Communicator comm, Action step)
    {
        if (comm.Size == 1)
        {
            step();
            return;
        }

        Exception? failure = null;
        try
        {
            step();
        }
        catch (Exception e)
        {
            failure = e;
        }

        Collective.AgreeOn(comm, failure);
    }

    // Rank r writes its (first row, rows) into slot r; the sum over ranks is every slab, which each rank checks alike.
    private static ArgumentException? Tiling(ScanSlab slab, Communicator comm)
    {
        var slabs = new double[2 * comm.Size];
        slabs[2 * comm.Rank] = slab.FirstRow;
        slabs[(2 * comm.Rank) + 1] = slab.Rows;
        comm.AllreduceSum(slabs);
        int end = 0;
        for (int r = 0; r < comm.Size; r++)
        {
            int first = (int)slabs[2 * r];
            int rows = (int)slabs[(2 * r) + 1];
            if (first != end || rows < 1)
            {
                return comm.Rank == r ? new ArgumentException(
                    $"rank {r} holds scan rows [{first}, {first + rows}) but the slabs must tile the {slab.ScanRows}-row scan in rank order: this one must start at row {end} and hold at least one row (ScanSlab.ForRank gives each rank its slab).") : null;
            }

            end = first + rows;
        }

        return end == slab.ScanRows || comm.Rank != comm.Size - 1 ? null
            : new ArgumentException($"the slabs end at scan row {end} of {slab.ScanRows}: the last rank must hold the scan's last row.");
    }

    private static string Describe(UnfoldedData x, NmfOptions o) => string.Create(CultureInfo.InvariantCulture,
        $"k = {o.Components}, {o.Method}, {o.Iterations} iterations × {o.Restarts} restarts{(o.TrialIterations is { } t ? $" (a trial of {t} keeping {o.RestartsKept})" : "")}, seed {o.Seed}, {x.NUv} of {x.DetRows}×{x.DetCols} pixels kept, scan {x.Slab.ScanRows}×{x.Slab.ScanCols}");

    private static byte[] Fingerprint(UnfoldedData x, NmfOptions o, KernelSet kernels)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        string text = string.Create(CultureInfo.InvariantCulture,
            $"{o.Components}|{o.Method}|{o.Iterations}|{o.Restarts}|{o.Seed}|{o.DiffractionConstraint}|{o.MapConstraint}|{o.Polar}|{o.Tolerance:R}|{o.Backend}|{kernels.Products.GetType().Name}|{o.Storage}|{o.BatchRestarts}|{o.TrialIterations}|{o.RestartsKept}|{o.MuEpsilon:R}|{x.DetRows}|{x.DetCols}|{x.NUv}|{x.Slab.ScanRows}|{x.Slab.ScanCols}|{x.IsUInt16}|{o.MapKernel.Size}|{o.InitialW?.Length}|{o.InitialH?.Length}");
        hash.AppendData(Encoding.UTF8.GetBytes(text));
        hash.AppendData(MemoryMarshal.AsBytes(o.MapKernel.Weights));
        hash.AppendData(MemoryMarshal.AsBytes(x.Pixels.KeptPixels));
        hash.AppendData(MemoryMarshal.AsBytes(o.InitialW.AsSpan()));
        hash.AppendData(MemoryMarshal.AsBytes(o.InitialH.AsSpan()));
        return hash.GetHashAndReset();
    }
}
