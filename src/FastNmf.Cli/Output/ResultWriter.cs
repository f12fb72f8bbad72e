using FastNmf.Analysis;
using FastNmf.Cli.Commands;
using FastNmf.Cli.Rendering;
using FastNmf.Hdf5.Results;
using FastNmf.IO;

namespace FastNmf.Cli.Output;

/// <summary>Writes a factorization's files (always these names): W.npy, H.npy, results.h5, summary.json, restart-history.npy, diffractions.png, maps.png.</summary>
internal static class ResultWriter
{
    public static void Write(OutputDirectory dir, NmfResult result, InputInfo? input, MaskInfo mask, IReadOnlyList<ComponentMatch>? truth)
    {
        int k = result.Components;
        NpyWriter.Write(dir.File("W.npy"), result.W, [k, result.DetRows, result.DetCols]);
        NpyWriter.Write(dir.File("H.npy"), result.H, [k, result.ScanRows, result.ScanCols]);
        ResultsFile.Write(dir.File("results.h5"), result, mask.Mask, input?.Provenance);
        SummaryWriter.Write(dir.File("summary.json"), result, input, mask, truth);
        RestartHistoryFile.Write(dir.File(RestartHistoryFile.Name), result.RestartHistories);
        string method = result.Options.Method switch
        {
            NmfMethod.Constrained => "constrained NMF",
            NmfMethod.Als => "primitive ALS",
            _ => "primitive MU",
        };
        MontageRenderer.WritePng(dir.File("diffractions.png"), result.W, k, result.DetRows, result.DetCols,
            new MontageOptions("w", IntensityScale.Sqrt, SharedScale: false, Title: $"Diffractions (columns of W), {method}, k = {k}"));
        var captions = Enumerable.Range(0, k).Select(c => $"‖h‖₂ = {MontageRenderer.FormatNumber(L2(result.Map(c)))}").ToArray();
        MontageRenderer.WritePng(dir.File("maps.png"), result.H, k, result.ScanRows, result.ScanCols,
            new MontageOptions("h", IntensityScale.Linear, SharedScale: false, Title: $"Maps (rows of H, counts), {method}, k = {k}", Captions: captions));
    }

    private static double L2(ReadOnlySpan<float> v)
    {
        double s = 0;
        foreach (float x in v)
        {
            s += (double)x * x;
        }

        return Math.Sqrt(s);
    }
}
