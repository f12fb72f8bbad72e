using System.CommandLine;
using System.Globalization;
using FastNmf.Analysis;

namespace FastNmf.Cli.Commands;

/// <summary>The options of <c>pca</c>, shared by its one-process and distributed runs, and their checks.</summary>
internal sealed record PcaArguments(
    Argument<string> Input,
    Option<int> MaxComponents,
    Option<double> NoiseFactor,
    Option<double> Fraction,
    Option<string> Method,
    Option<string?> Output,
    Option<string?> Plot,
    Option<bool> Clip,
    SolverOptionSet Solver,
    InputOptionSet Reading)
{
    /// <summary>Checks what can be checked before anything is read.</summary>
    /// <exception cref="UsageException">--out with --plot, a fraction or noise factor out of range.</exception>
    /// <exception cref="IOException">the --plot file exists.</exception>
    public void Check(ParseResult p)
    {
        string? plotPath = p.GetValue(Plot);
        if (p.GetValue(Output) is not null && plotPath is not null)
        {
            throw new UsageException("--out and --plot both say where the plot goes: give one.");
        }

        double f = p.GetValue(Fraction);
        if (!(f >= 0 && double.IsFinite(f)))
        {
            throw new UsageException($"--fraction must be a finite number ≥ 0, got {f.ToString(CultureInfo.InvariantCulture)}.");
        }

        double nf = p.GetValue(NoiseFactor);
        if (!(nf > 1 && double.IsFinite(nf)))
        {
            throw new UsageException($"--noise-factor must be a finite number above 1, got {nf.ToString(CultureInfo.InvariantCulture)}.");
        }

        if (plotPath is not null && (File.Exists(plotPath) || Directory.Exists(plotPath)))
        {
            throw new IOException($"{plotPath}: exists; choose a new file for --plot.");
        }
    }

    /// <summary>The PCA's options (method, threads, seed).</summary>
    public PcaOptions Options(ParseResult p) => new()
    {
        Method = p.GetValue(Method) switch { "gram" => PcaMethod.Gram, "randomized" => PcaMethod.Randomized, _ => PcaMethod.Auto },
        Threads = p.GetValue(Solver.Threads),
        Seed = p.GetValue(Solver.Seed),
    };

    /// <summary>K must be between 1 and min(detector pixels, scan positions): before a frame is read (a mask can only
    /// lower the limit), and again on X as unfolded.</summary>
    public static void CheckMaxComponents(int k, int detectorPixels, long scanPositions)
    {
        long limit = Math.Min(detectorPixels, scanPositions);
        if (k < 1 || k > limit)
        {
            throw new UsageException($"--max-components must be between 1 and min(detector pixels, scan positions) = {limit}, got {k}.");
        }
    }
}
