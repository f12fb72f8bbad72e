using System.CommandLine;
using System.Globalization;
using FastNmf.Analysis;
using FastNmf.Cli.Output;
using FastNmf.Data;
using FastNmf.Distributed;
using FastNmf.Distributed.Mpi;
using FastNmf.Hdf5.Results;
using FastNmf.IO;
using FastNmf.IO.Preprocessing;

namespace FastNmf.Cli.Commands;

/// <summary>
/// <c>factorize … --distributed</c>, one rank of an MPI job: every rank opens the input and reads only its slab of scan
/// rows (whole canonical blocks), the data-derived masks and X's statistics are combined over the ranks, the
/// factorization runs with one reduction per step, H is gathered at rank 0, which writes the outputs, the analysis and
/// the report. Every input problem is agreed on, so rank 0 reports it once and every rank exits with its code.
/// </summary>
internal static class DistributedFactorize
{
    public static int Run(ParseResult p, FactorizeArguments a) => DistributedRun.Execute(comm => Body(p, a, comm));

    private static int Body(ParseResult p, FactorizeArguments a, MpiCommunicator comm)
    {
        bool root = comm.Rank == 0;
        Collective.AgreeOnArguments(comm, Environment.GetCommandLineArgs().Skip(1).ToArray());
        // The options are the same on every rank (checked above), so their errors are too: agreed, reported once.
        NmfOptions options = DistributedRun.Agreed(comm, () =>
        {
            if (p.GetValue(a.Reading.DryRun))
            {
                throw new UsageException("--dry-run plans a one-process run; run it without --distributed (each rank then needs about 1/P of X and the storage).");
            }

            _ = p.GetValue(a.Output) ?? throw new UsageException("--out is required.");
            return a.Solver.Build(p);
        });
        string outDir = p.GetValue(a.Output)!;
        string? truthDir = p.GetValue(a.Truth);
        bool clipNegative = p.GetValue(a.Clip);
        Console.WriteLine($"distributed: {comm.Library}, {comm.Size} rank(s)");

        // Rank 0's output directory, every rank's input and slab.
        OutputDirectory? dir = DistributedRun.Agreed(comm, () =>
        {
            if (truthDir is not null && !Directory.Exists(truthDir))
            {
                throw new DirectoryNotFoundException($"--truth {truthDir}: no such directory.");
            }

            return root ? OutputDirectory.Begin(outDir) : null;
        });
        using OutputDirectory? output = dir;
        (FrameSource opened, FrameSource raw) = DistributedRun.Agreed(comm, () => InputPipeline.Open(p.GetValue(a.Input)!, a.Reading, p));
        using FrameSource source = opened;
        if (a.Solver.IsFast(p))
        {
            // One process per scan is what the coarse warm start needs: distributed, the fast mode prunes restarts only.
            options = FastPreset.Apply(options, source.ScanRows, source.ScanCols, distributed: true);
        }

        (ScanSlab slab, FrameSource slabSource) = DistributedRun.Agreed(comm, () =>
        {
            SolverOptionSet.Check(options, source.FrameLength, source.FrameCount);
            ScanSlab s = ScanSlab.ForRank(source.ScanRows, source.ScanCols, comm.Rank, comm.Size);
            return (s, (FrameSource)new CroppedFrameSource(source, new CropWindow(s.FirstRow, 0, s.Rows, source.ScanCols), null));
        });
        using FrameSource slabFrames = slabSource;
        PrintSlabs(source, comm.Size);
        if (!source.ReadsRangesInPlace)
        {
            Console.Error.WriteLine($"fastnmf: warning: {source.Path} ({source.Format}) cannot read a range of frames without decoding everything before it: each rank decodes the file from its start up to its own slab.");
        }

        // Masks from the data (statistics combined over the ranks), then this rank's slab of X.
        (DetectorMask? mask, MaskInfo maskInfo) = MaskAssembly.Build(p, a.Reading, a.Solver, slabFrames, raw, clipNegative, comm);
        options = PolarCentre.Resolve(p, a.Solver, options, maskInfo, source.DetRows, source.DetCols);
        bool strictCounts = options.Storage == XStorage.DenseUInt16;
        bool float32 = options.Storage == XStorage.Dense || options.Backend is KernelBackend.OpenBlas or KernelBackend.Mkl;
        (UnfoldedData read, _) = DistributedRun.Agreed(comm, () =>
            InputLoader.Unfold(slabFrames, mask, clipNegative, counts: strictCounts, auto: !float32 && !strictCounts, slab: slab));
        using UnfoldedData x = DistributedRun.SameReadMode(comm, read, () => InputLoader.Unfold(slabFrames, mask, clipNegative, slab: slab).X);
        options = Plan(x, options, comm);
        if (p.GetValue(a.InitFrom) is { } initDir)
        {
            options = DistributedRun.Agreed(comm, () => WarmStart.From(initDir, x, options));
        }

        NmfResult result = FactorizationSession.Run(x, options, comm);
        float[]? h = SlabGather.Frames(comm, result.H, result.Components, x.Slab);
        bool withReport = p.GetValue(a.Report);
        PcaSpectrum? spectrum = withReport ? ReportStep.Spectrum(result, x, comm) : null;
        double[] clipped = [x.ClippedValues];
        comm.AllreduceSum(clipped);
        DistributedRun.Agreed(comm, () =>
        {
            if (!root)
            {
                return 0;
            }

            NmfResult whole = result.WithWholeScan(h!);
            bool fortran = source.Metadata.TryGetValue("fortran_order", out string? f) && f == "true";
            var info = new InputInfo(Path.GetFullPath(source.Path), source.Shape, source.SourceDtype, fortran, (long)clipped[0], ResultsProvenance.From(source));
            ResultWriter.Write(output!, whole, info, maskInfo, truth: null);
            if (spectrum is not null)
            {
                ReportStep.Run(output!.Staging, output.Final, whole, spectrum, truthDir, a.Analysis.Build(p, options.Polar, mask), $"fastnmf factorize {Path.GetFileName(info.Path)} --distributed ({comm.Size} ranks)");
            }

            output!.Commit();
            Console.WriteLine($"wrote {output.Final}: W.npy, H.npy, results.h5, summary.json, restart-history.npy, diffractions.png, maps.png{(withReport ? ", pca.json, the analysis files, figures/, report.html" : string.Empty)}");
            return 0;
        });
        return 0;
    }

    // The run plan from the statistics of every rank's frames; if a storage copy does not fit on some rank, every rank
    // runs on X as read (the storage must be the same everywhere: the bits depend on it).
    private static NmfOptions Plan(UnfoldedData x, NmfOptions options, Communicator comm)
    {
        XStatistics stats = XStatistics.Of(x, comm);
        DataFacts facts = DataFacts.Of(x, stats, comm);
        RunPlan plan = RunPlan.Create(facts, options, RunPlan.AvailableBytes());
        RunPlan fastest = RunPlan.Create(facts, options);
        Span<double> fallback = [plan.Storage != fastest.Storage ? 1 : 0];
        comm.AllreduceMax(fallback);
        XStorage storage = fallback[0] > 0 ? (x.IsUInt16 ? XStorage.DenseUInt16 : XStorage.Dense) : fastest.Storage;
        long needed = plan.TotalBytes - plan.XBytes;
        Collective.Agree(comm, options.Storage != XStorage.Auto && needed > RunPlan.AvailableBytes()
            ? $"X is read, but its {RunPlan.Name(plan.Storage)} storage needs {RunPlan.Format(needed)} more on this rank and {RunPlan.Format(RunPlan.AvailableBytes())} are available; nothing was written."
            : null);
        Console.WriteLine($"storage: {RunPlan.Name(storage)} on every rank ({(fallback[0] > 0 ? "a storage copy did not fit on some rank: X as read" : fastest.StorageReason)})");
        return options with { Storage = storage };
    }

    private static void PrintSlabs(FrameSource source, int size)
    {
        var slabs = Enumerable.Range(0, size).Select(r => ScanSlab.ForRank(source.ScanRows, source.ScanCols, r, size))
            .Select((s, r) => string.Create(CultureInfo.InvariantCulture, $"rank {r}: rows {s.FirstRow}–{s.FirstRow + s.Rows - 1}"));
        Console.WriteLine($"slabs of the {source.ScanRows}×{source.ScanCols} scan: {string.Join("; ", slabs)}");
    }
}
