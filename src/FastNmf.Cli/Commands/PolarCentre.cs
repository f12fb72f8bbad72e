using System.CommandLine;
using System.Globalization;
using FastNmf.Cli.Output;
using FastNmf.Factorization;

namespace FastNmf.Cli.Commands;

/// <summary>
/// The pattern centre (direct beam) about which [·]_W's polar transform runs: <c>--centre ROW,COL</c> if given, else
/// the centre of the direct-beam disc the run masks (<c>--mask-centre</c> or <c>--mask-direct-beam auto</c>), else the
/// detector centre. A diffraction whose beam is off the detector centre (or moved by a crop) would otherwise be filled
/// about the wrong point.
/// </summary>
internal static class PolarCentre
{
    /// <summary><paramref name="options"/> with the resolved centre; says which on the console when [·]_W runs.</summary>
    /// <exception cref="UsageException">--centre is not ROW,COL inside the detector.</exception>
    public static NmfOptions Resolve(ParseResult p, SolverOptionSet solver, NmfOptions options, MaskInfo mask, int detRows, int detCols)
    {
        (double Row, double Col, string From)? centre = null;
        if (p.GetValue(solver.Centre) is { } text)
        {
            (double row, double col) = AnalysisOptionSet.ParsePair(text, "--centre");
            if (!(row >= 0 && row <= detRows - 1 && col >= 0 && col <= detCols - 1))
            {
                throw new UsageException($"--centre {text}: outside the {detRows}×{detCols} detector (rows 0..{detRows - 1}, columns 0..{detCols - 1}).");
            }

            centre = (row, col, "--centre");
        }
        else if (mask.Radius is not null)
        {
            centre = (mask.CentreRow, mask.CentreCol, "the direct-beam disc");
        }

        if (options.Method == NmfMethod.Constrained && options.DiffractionConstraint == DiffractionConstraint.DarkSpotFill)
        {
            string where = centre is { } c
                ? string.Create(CultureInfo.InvariantCulture, $"({c.Row:0.##}, {c.Col:0.##}), from {c.From}")
                : string.Create(CultureInfo.InvariantCulture, $"({detRows / 2}, {detCols / 2}), the detector centre (--centre ROW,COL sets it)");
            Console.WriteLine($"[·]_W polar centre: {where}");
        }

        return centre is { } r ? options with { Polar = options.Polar with { CentreRow = r.Row, CentreCol = r.Col } } : options;
    }
}
