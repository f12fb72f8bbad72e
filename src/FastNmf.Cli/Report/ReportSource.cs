using FastNmf.Cli.Output;
using FastNmf.Data;
using FastNmf.Hdf5.Results;
using FastNmf.IO;

namespace FastNmf.Cli.Report;

/// <summary>
/// Everything a report is made from, read from a result directory: W.npy (required), and when present H.npy,
/// summary.json, restart-history.npy, pca.json and a truth directory (DIR/truth, or one named explicitly). A directory
/// holding only W.npy — factors from another tool — is enough.
/// </summary>
internal sealed class ReportSource
{
    private ReportSource(string dir, Factors factors)
    {
        Directory = dir;
        Factors = factors;
    }

    public string Directory { get; }

    public Factors Factors { get; }

    public RunSummary? Summary { get; private init; }

    public IReadOnlyList<RunHistory>? Restarts { get; private init; }

    public PcaCurve? Pca { get; private init; }

    public TruthSet? Truth { get; private init; }

    /// <summary>
    /// The detector mask the factorization used, so the analysis leaves out the same pixels: results.h5's <c>/mask</c>
    /// (every mask a run combined: file, disc, direct beam, dead/hot pixels), else the direct-beam disc summary.json
    /// records, else none (factors from another tool).
    /// </summary>
    public DetectorMask? Mask { get; private init; }

    /// <summary>Reads <paramref name="dir"/>.</summary>
    /// <param name="dir">The result directory.</param>
    /// <param name="truthDir">A truth directory to compare with; null uses DIR/truth when it exists.</param>
    /// <exception cref="DirectoryNotFoundException">no such directory.</exception>
    /// <exception cref="FileNotFoundException">no W.npy.</exception>
    /// <exception cref="DataFormatException">a file is malformed, or H.npy does not match W.npy.</exception>
    public static ReportSource Read(string dir, string? truthDir = null)
    {
        if (!System.IO.Directory.Exists(dir))
        {
            throw new DirectoryNotFoundException($"{dir}: no such directory.");
        }

        Factors factors = ReadFactors(dir);
        string summaryPath = Path.Combine(dir, "summary.json");
        string historyPath = Path.Combine(dir, RestartHistoryFile.Name);
        string pcaPath = Path.Combine(dir, PcaCurve.FileName);
        string? truth = truthDir ?? (System.IO.Directory.Exists(Path.Combine(dir, "truth")) ? Path.Combine(dir, "truth") : null);
        RunSummary? summary = File.Exists(summaryPath) ? RunSummary.Read(summaryPath) : null;
        return new ReportSource(dir, factors)
        {
            Summary = summary,
            Mask = ReadMask(dir, factors, summary),
            Restarts = File.Exists(historyPath) ? RestartHistoryFile.Read(historyPath) : null,
            Pca = File.Exists(pcaPath) ? PcaCurve.Read(pcaPath) : null,
            Truth = truth is null ? null : TruthSet.Read(truth, factors, truthDir is null ? "truth/ next to W.npy" : Path.GetFullPath(truthDir)),
        };
    }

    /// <summary>W.npy (k, det_rows, det_cols) and, if present, H.npy (k, scan_rows, scan_cols), finite values only.</summary>
    public static Factors ReadFactors(string dir)
    {
        string wPath = Path.Combine(dir, "W.npy");
        string hPath = Path.Combine(dir, "H.npy");
        if (!File.Exists(wPath))
        {
            throw new FileNotFoundException($"{wPath}: not found; the analysis needs the diffractions as W.npy, shape (k, det_rows, det_cols).");
        }

        NpyArray w = NpyReader.ReadFloat32(wPath);
        if (w.Shape.Length != 3 || w.Shape.Any(d => d < 1 || d > int.MaxValue))
        {
            throw new DataFormatException(wPath, null, $"shape ({string.Join(", ", w.Shape)}); expected 3 dimensions (k, det_rows, det_cols).");
        }

        CheckFinite(wPath, w.Data, (int)(w.Shape[1] * w.Shape[2]), "diffraction");
        int k = (int)w.Shape[0];
        if (!File.Exists(hPath))
        {
            return new Factors(w.Data, k, (int)w.Shape[1], (int)w.Shape[2], null, 0, 0);
        }

        NpyArray h = NpyReader.ReadFloat32(hPath);
        if (h.Shape.Length != 3 || h.Shape[0] != k || h.Shape[1] < 1 || h.Shape[2] < 1)
        {
            throw new DataFormatException(hPath, null, $"shape ({string.Join(", ", h.Shape)}) does not match W.npy's {k} components; expected ({k}, scan_rows, scan_cols).");
        }

        CheckFinite(hPath, h.Data, (int)(h.Shape[1] * h.Shape[2]), "map");
        return new Factors(w.Data, k, (int)w.Shape[1], (int)w.Shape[2], h.Data, (int)h.Shape[1], (int)h.Shape[2]);
    }

    private static DetectorMask? ReadMask(string dir, Factors factors, RunSummary? summary)
    {
        string results = Path.Combine(dir, "results.h5");
        if (File.Exists(results))
        {
            DetectorMask? mask = ResultsFile.ReadMask(results);
            if (mask is not null && (mask.DetRows != factors.DetRows || mask.DetCols != factors.DetCols))
            {
                throw new DataFormatException(results, null, $"/mask is {mask.DetRows}×{mask.DetCols} but W.npy's diffractions are {factors.DetRows}×{factors.DetCols}.");
            }

            return mask;
        }

        return summary?.MaskDisc is { } disc ? DetectorMask.DirectBeam(factors.DetRows, factors.DetCols, disc.Row, disc.Col, disc.Radius) : null;
    }

    private static void CheckFinite(string path, float[] data, int per, string what)
    {
        int bad = Array.FindIndex(data, v => !float.IsFinite(v));
        if (bad >= 0)
        {
            throw new DataFormatException(path, null, $"{what} {bad / per}, element {bad % per}, is {data[bad]}; values must be finite.");
        }
    }
}
