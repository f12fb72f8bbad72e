using System.CommandLine;
using System.Globalization;
using FastNmf.Analysis;
using FastNmf.Cli.Output;
using FastNmf.Cli.Rendering;
using FastNmf.Cli.Report;
using FastNmf.Data;
using FastNmf.IO;

namespace FastNmf.Cli.Commands;

/// <summary>
/// <c>fastnmf pca INPUT --max-components K</c>: the PCA spectrum of X as the factorization would see it (same
/// unfolding and mask, uncentred): per k the MSE of the best rank-k approximation — the floor under any k-component
/// NMF — and the suggested k; optionally the scree plot.
/// </summary>
internal static class PcaCommand
{
    public static Command Create()
    {
        var input = new Argument<string>("input") { Description = "4D-STEM data, as for factorize (.npy, .npz, .h5 and the other formats --format lists)." };
        var max = new Option<int>("--max-components", "-K") { Description = "Components K of the spectrum (default 20).", DefaultValueFactory = _ => 20 };
        var noise = new Option<double>("--noise-factor") { Description = "Suggested k: the eigenvalues above this multiple of the noise floor (the median of the upper half of the spectrum).", DefaultValueFactory = _ => PcaCurve.DefaultNoiseFactor };
        var fraction = new Option<double>("--fraction") { Description = "The MSE rule's k (printed next to the suggestion): the smallest k whose MSE is within this fraction of the rank-K MSE.", DefaultValueFactory = _ => PcaCurve.DefaultFraction };
        var method = new Option<string>("--pca-method") { Description = "auto (Gram matrix when the smaller side is ≤ 1500, else randomised) | gram | randomized.", DefaultValueFactory = _ => "auto" };
        var output = new Option<string?>("--out") { Description = "Directory (new) for pca.json and scree.png." };
        var plot = new Option<string?>("--plot") { Description = "Write only the scree plot to this PNG file (must not exist)." };
        var clip = new Option<bool>("--clip-negative") { Description = "Set negative values to 0 instead of rejecting the file." };
        var distributed = new Option<bool>("--distributed") { Description = "Run as one rank of an MPI job (mpirun -np P fastnmf pca … --distributed): each rank reads only its slab of scan rows; the randomised method in pixel space, rank 0 writes the outputs." };
        var solver = new SolverOptionSet();
        var reading = new InputOptionSet();
        method.AcceptOnlyFromAmong("auto", "gram", "randomized");
        var command = new Command("pca", "PCA spectrum of a 4D-STEM data set: the MSE of the best rank-k approximation for k = 0..K (the lower bound of any k-component factorization), the scree plot and a suggested k.")
        {
            input, max, fraction, noise, method, output, plot, clip, distributed, solver.MaskRadius, solver.MaskCentre, solver.Threads, solver.Seed,
        };
        reading.AddTo(command, withDryRun: false);
        var a = new PcaArguments(input, max, noise, fraction, method, output, plot, clip, solver, reading);
        command.SetAction(p => p.GetValue(distributed) ? DistributedRun.Execute(comm => DistributedPca.Run(p, a, comm)) : CliErrors.Run(() =>
        {
            a.Check(p);
            using OutputDirectory? dir = p.GetValue(output) is { } outDir ? OutputDirectory.Begin(outDir) : null;
            (FrameSource opened, FrameSource raw) = InputPipeline.Open(p.GetValue(input)!, reading, p);
            using FrameSource source = opened;
            int k = p.GetValue(max);
            PcaArguments.CheckMaxComponents(k, source.FrameLength, source.FrameCount);
            bool clipNegative = p.GetValue(clip);
            (DetectorMask? mask, _) = MaskAssembly.Build(p, reading, solver, source, raw, clipNegative);
            (UnfoldedData x, InputInfo info) = InputLoader.Unfold(source, mask, clipNegative);
            using UnfoldedData unfolded = x;
            PcaArguments.CheckMaxComponents(k, x.NUv, x.NXy);
            PcaSpectrum spectrum = PcaWithStatus.Run(x, k, a.Options(p));
            Write(p, a, spectrum, info.Path, x.NUv, x.Slab.TotalFrames, dir);
            return 0;
        }));
        return command;
    }

    /// <summary>Prints the spectrum and writes pca.json and scree.png to <paramref name="dir"/> (or the --plot file).</summary>
    public static void Write(ParseResult p, PcaArguments a, PcaSpectrum spectrum, string inputPath, int nUv, long nXy, OutputDirectory? dir)
    {
        PcaCurve curve = PcaCurve.From(spectrum, p.GetValue(a.Fraction), p.GetValue(a.NoiseFactor));
        Print(curve, spectrum, inputPath, nUv, nXy);
        if (dir is not null)
        {
            curve.Write(dir.File(PcaCurve.FileName));
            using SkiaSharp.SKBitmap scree = ScreeFigure.Render(curve, 0, null);
            MontageRenderer.Save(scree, dir.File("scree.png"));
            dir.Commit();
            Console.WriteLine($"wrote {dir.Final}: pca.json, scree.png");
        }
        else if (p.GetValue(a.Plot) is { } plotPath)
        {
            using SkiaSharp.SKBitmap scree = ScreeFigure.Render(curve, 0, null);
            MontageRenderer.Save(scree, Path.GetFullPath(plotPath));
            Console.WriteLine($"wrote {plotPath}");
        }
    }

    private static void Print(PcaCurve curve, PcaSpectrum s, string inputPath, int nUv, long nXy)
    {
        Console.WriteLine($"X: {nUv} detector pixels × {nXy} scan positions from {inputPath}; uncentred PCA, {curve.Method} method, {s.Elapsed.TotalSeconds:F2} s{(s.Converged ? string.Empty : " (randomised iteration stopped at its limit: MSEs are upper bounds)")}");
        // λ_k / λ_{k+1}: a gap in the spectrum (a ratio well above the ~1 of the noise tail) marks the last component
        // that stands out of the noise, which the MSE rule below cannot see when the noise dominates the MSE.
        Console.WriteLine($"{"k",4}  {"MSE of best rank-k",20}  {"explained",10}  {"eigenvalue",14}  {"λ_k/λ_k+1",10}");
        for (int k = 0; k <= curve.MaxComponents; k++)
        {
            string eigen = k == 0 ? string.Empty : curve.Eigenvalues[k - 1].ToString("G6", CultureInfo.InvariantCulture);
            string gap = k == 0 || k == curve.MaxComponents || !(curve.Eigenvalues[k] > 0) ? string.Empty : (curve.Eigenvalues[k - 1] / curve.Eigenvalues[k]).ToString("F2", CultureInfo.InvariantCulture);
            Console.WriteLine($"{k,4}  {curve.Mse[k].ToString("G8", CultureInfo.InvariantCulture),20}  {curve.Explained(k).ToString("P3", CultureInfo.InvariantCulture),10}  {eigen,14}  {gap,10}");
        }

        Console.WriteLine($"suggested k = {curve.Suggested} ({curve.Rule}); by the MSE rule (smallest k with MSE_k − MSE_{curve.MaxComponents} ≤ {curve.Fraction.ToString(CultureInfo.InvariantCulture)} × MSE_{curve.MaxComponents}): {curve.SuggestedByFraction}");
    }
}
