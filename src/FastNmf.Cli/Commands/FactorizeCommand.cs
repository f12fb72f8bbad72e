using System.CommandLine;
using FastNmf.Cli.Output;
using FastNmf.Data;
using FastNmf.IO;

namespace FastNmf.Cli.Commands;

/// <summary><c>fastnmf factorize INPUT.npy -k K --out DIR</c>: the paper's protocol by default.</summary>
internal static class FactorizeCommand
{
    public static Command Create()
    {
        var input = new Argument<string>("input") { Description = "4D-STEM data: .npy/.npz (4-D, or 3-D with --scan-shape), and the other formats --format lists; FILE:MEMBER picks a member of a container." };
        var output = new Option<string>("--out") { Description = "Output directory (must not exist or be empty); not needed with --dry-run." };
        var clip = new Option<bool>("--clip-negative") { Description = "Set negative values to 0 (and report how many) instead of rejecting the file." };
        Option<bool> report = ReportOption();
        var truth = new Option<string?>("--truth") { Description = "Truth directory of a simulated input (fastnmf simulate --truth DIR): the report compares with it." };
        var initFrom = new Option<string?>("--init-from") { Description = "Warm start: restart 0 starts from the W (and, where the scan matches, the H) of a factorize output directory; other restarts start at random." };
        var distributed = new Option<bool>("--distributed") { Description = "Run as one rank of an MPI job (mpirun -np P fastnmf factorize … --distributed, or srun): each rank reads only its slab of scan rows, rank 0 writes the outputs. W and H are bit-identical to the one-process run." };
        var solver = new SolverOptionSet();
        var analysis = new AnalysisOptionSet();
        var reading = new InputOptionSet();
        var command = new Command("factorize", "Factorize a 4D-STEM data set X ≈ WH. With only INPUT, -k and --out: the paper's protocol (both constraints, 3×3 Gaussian map kernel, 500 iterations, 10 restarts, no mask).")
        {
            input, output, clip, report, truth, initFrom, distributed,
        };
        solver.AddTo(command);
        analysis.AddTo(command);
        reading.AddTo(command);
        var arguments = new FactorizeArguments(input, output, clip, report, truth, initFrom, distributed, solver, analysis, reading);
        command.SetAction(p => p.GetValue(distributed) ? DistributedFactorize.Run(p, arguments) : CliErrors.Run(() => RunLocal(p, arguments)));
        return command;
    }

    // One process: the whole scan.
    private static int RunLocal(ParseResult p, FactorizeArguments a)
    {
        (Argument<string> input, Option<string> output, Option<bool> clip, Option<bool> report, Option<string?> truth, Option<string?> initFrom, _,
            SolverOptionSet solver, AnalysisOptionSet analysis, InputOptionSet reading) = a;
        NmfOptions options = solver.Build(p);
        bool dryRun = p.GetValue(reading.DryRun);
        string? outDir = p.GetValue(output);
        if (outDir is null && !dryRun)
        {
            throw new UsageException("--out is required (only --dry-run runs without it).");
        }

        string? truthDir = p.GetValue(truth);
        if (truthDir is not null && !Directory.Exists(truthDir))
        {
            throw new DirectoryNotFoundException($"--truth {truthDir}: no such directory.");
        }

        using OutputDirectory? dir = dryRun ? null : OutputDirectory.Begin(outDir!);
        (FrameSource opened, FrameSource raw) = InputPipeline.Open(p.GetValue(input)!, reading, p);
        using FrameSource source = opened;
        if (solver.IsFast(p))
        {
            options = FastPreset.Apply(options, source.ScanRows, source.ScanCols);
        }

        // Before a frame is read: a mask can only lower n_uv, and X is checked again once unfolded.
        SolverOptionSet.Check(options, source.FrameLength, source.FrameCount);
        bool anyMask = reading.AnyMask(p) || p.GetValue(solver.MaskRadius) is not null;
        RunPlan forecast = MemoryCheck.Forecast(source, options, anyMask);
        if (MemoryCheck.BeforeReading(source, options, forecast, dryRun, anyMask))
        {
            return 0;
        }

        bool clipNegative = p.GetValue(clip);
        (DetectorMask? mask, MaskInfo maskInfo) = MaskAssembly.Build(p, reading, solver, source, raw, clipNegative);
        options = PolarCentre.Resolve(p, solver, options, maskInfo, source.DetRows, source.DetCols);
        // As the plan says: float32, or uint16 counts (2 bytes per value; read again as float32 if a value is not a count).
        bool strictCounts = options.Storage == XStorage.DenseUInt16;
        (UnfoldedData x, InputInfo info) = InputLoader.Unfold(source, mask, clipNegative, counts: strictCounts, auto: forecast.Read != XReadMode.Float32 && !strictCounts);
        using UnfoldedData unfolded = x;
        options = MemoryCheck.AfterReading(x, options);
        if (p.GetValue(initFrom) is { } initDir)
        {
            options = WarmStart.From(initDir, x, options);
        }

        NmfResult result = FactorizationSession.Run(x, options);
        ResultWriter.Write(dir!, result, info, maskInfo, truth: null);
        bool withReport = p.GetValue(report);
        if (withReport)
        {
            ReportStep.Run(dir!.Staging, dir.Final, result, x, truthDir, analysis.Build(p, options.Polar, mask), $"fastnmf factorize {Path.GetFileName(info.Path)}");
        }

        dir!.Commit();
        Console.WriteLine($"wrote {dir.Final}: W.npy, H.npy, results.h5, summary.json, restart-history.npy, diffractions.png, maps.png{(withReport ? ", pca.json, the analysis files, figures/, report.html" : string.Empty)}");
        return 0;
    }

    /// <summary>The --report option (shared with demo): on by default, --report false skips it.</summary>
    public static Option<bool> ReportOption() => new("--report")
    {
        Description = "Analyse the components (similarities, clustering, PCA) and write report.html with its figures (default on; --report false skips it).",
        DefaultValueFactory = _ => true,
        Arity = ArgumentArity.ZeroOrOne,
    };
}
