using System.CommandLine;
using FastNmf.Analysis;
using FastNmf.Cli.Output;
using FastNmf.Cli.Report;
using FastNmf.Constraints;

namespace FastNmf.Cli.Commands;

/// <summary>
/// <c>fastnmf analyze DIR</c>: the analysis and report of factors already on disk — a factorize output directory, or
/// any directory holding W.npy (and H.npy for maps), so factors made by other tools can be analysed too.
/// </summary>
internal static class AnalyzeCommand
{
    public static Command Create()
    {
        var dir = new Argument<string>("dir") { Description = "Directory with W.npy (k, det_rows, det_cols) and optionally H.npy (k, scan_rows, scan_cols), summary.json, restart-history.npy, pca.json, truth/." };
        var output = new Option<string?>("--out") { Description = "Write the analysis and report to this new directory instead of into DIR." };
        var force = new Option<bool>("--force") { Description = "Replace analysis files an earlier analyze or factorize --report left in DIR (nothing else is touched)." };
        var truth = new Option<string?>("--truth") { Description = "Truth directory to compare with (default: DIR/truth when it exists)." };
        var phi = new Option<int?>("--phi-samples") { Description = "φ samples of the polar transform (default: the factorization's, else 360)." };
        var centre = new Option<string?>("--centre") { Description = "Pattern centre as ROW,COL in detector pixels (default: the factorization's [·]_W centre from summary.json, else the detector centre)." };
        var fwhm = new Option<double?>("--probe-fwhm") { Description = "Probe FWHM, for the resolution limit on the maps' Fourier transforms when summary.json records no map kernel (with --scan-step)." };
        var step = new Option<double?>("--scan-step") { Description = "Scan step, same unit as --probe-fwhm." };
        var analysis = new AnalysisOptionSet();
        var command = new Command("analyze", "Analyse factors on disk: cosine and rotation-invariant diffraction similarity, rotation angles, hierarchical clustering, cluster averages; writes similarity.npy, diffraction-similarity.npy, rotation.npy, linkage.npy, clusters.json, figures/ and report.html.")
        {
            dir, output, force, truth, phi, centre, fwhm, step,
        };
        analysis.AddTo(command);
        command.SetAction(p => CliErrors.Run(() =>
        {
            string source = p.GetValue(dir)!;
            string? outDir = p.GetValue(output);
            if (outDir is not null && p.GetValue(force))
            {
                throw new UsageException("--force replaces files in DIR; with --out nothing in DIR is written, so drop one of them.");
            }

            ReportSource data = ReportSource.Read(source, p.GetValue(truth));
            Factors f = data.Factors;
            if (f.Components < 2)
            {
                throw new UsageException($"{Path.Combine(source, "W.npy")}: holds {f.Components} component; the analysis compares components and needs at least 2.");
            }

            var polar = new PolarConstraintOptions(PhiSamples: p.GetValue(phi) ?? data.Summary?.PhiSamples ?? 360);
            if (p.GetValue(centre) is { } c)
            {
                (double row, double col) = AnalysisOptionSet.ParsePair(c, "--centre");
                if (!(row >= 0 && row < f.DetRows && col >= 0 && col < f.DetCols))
                {
                    throw new UsageException($"--centre {c}: outside the {f.DetRows}×{f.DetCols} detector.");
                }

                polar = polar with { CentreRow = row, CentreCol = col };
            }
            else if (data.Summary?.PolarCentre is { } used)
            {
                // The factorization's own centre, so that re-analysing a result compares it as it was constrained.
                polar = polar with { CentreRow = used.Row, CentreCol = used.Col };
            }

            AnalysisOptions options = analysis.Build(p, polar, data.Mask);
            ConvolutionKernel? kernel = Kernel(p.GetValue(fwhm), p.GetValue(step));
            string produced = $"fastnmf analyze {source}";
            AnalysisResult? result;
            IReadOnlyList<string> files;
            string final;
            if (outDir is not null)
            {
                using OutputDirectory o = OutputDirectory.Begin(outDir);
                (result, files) = ReportWriter.Write(data, o.Staging, new ReportContext(options, kernel, produced, o.Final));
                o.Commit();
                final = o.Final;
            }
            else
            {
                using InPlaceOutput o = InPlaceOutput.Begin(source, ReportWriter.Names, p.GetValue(force));
                (result, files) = ReportWriter.Write(data, o.Staging, new ReportContext(options, kernel, produced, o.Final));
                o.Commit();
                final = o.Final;
            }

            ReportStep.PrintClusters(result);
            Console.WriteLine($"wrote {final}: {string.Join(", ", files.Where(n => !n.StartsWith(FigureSink.Folder + "/", StringComparison.Ordinal)))}, figures/ ({files.Count(n => n.StartsWith(FigureSink.Folder + "/", StringComparison.Ordinal))} PNG)");
            return 0;
        }));
        return command;
    }

    private static ConvolutionKernel? Kernel(double? fwhm, double? step)
    {
        if ((fwhm is null) != (step is null))
        {
            throw new UsageException("--probe-fwhm and --scan-step go together: give both or neither.");
        }

        try
        {
            return fwhm is null ? null : ConvolutionKernel.FromProbe(fwhm.Value, step!.Value);
        }
        catch (ArgumentException e)
        {
            throw new UsageException($"map kernel: {CliErrors.WithoutParameter(e)}");
        }
    }
}
