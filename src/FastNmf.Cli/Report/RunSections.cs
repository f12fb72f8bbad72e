using System.Globalization;
using FastNmf.Cli.Rendering;

namespace FastNmf.Cli.Report;

/// <summary>The report's sections about the run itself: parameters and timings, components, map spectra, convergence, PCA.</summary>
internal static class RunSections
{
    public static void Parameters(HtmlPage page, ReportSource source, TimeSpan analysisTime)
    {
        page.Section("run", "Run");
        Factors f = source.Factors;
        if (source.Summary is not { } summary)
        {
            page.Paragraph("No summary.json next to W.npy: the factors came from elsewhere, so parameters, timings and convergence are not known. " +
                $"W.npy holds {f.Components} diffractions of {f.DetRows}×{f.DetCols} pixels" +
                (f.H is null ? "; there is no H.npy, so maps, their Fourier transforms and summed cluster maps are left out." : $", H.npy their maps of {f.ScanRows}×{f.ScanCols} scan positions."));
        }
        else
        {
            page.KeyValues(summary.Parameters());
            page.Paragraph("Timings", "note");
            page.KeyValues([.. summary.Timings(), ("analysis and this report", analysisTime.TotalSeconds.ToString("F2", CultureInfo.InvariantCulture) + " s")]);
            if (summary.RestartRows.Count > 0)
            {
                page.Table(["restart", "final MSE", "iterations", "ridge solves", "re-seeded components"], summary.RestartRows);
            }
        }

        page.EndSection();
    }

    public static void Components(HtmlPage page, FigureSink sink, Factors factors, IReadOnlyList<string>? captions)
    {
        page.Section("components", "Components");
        var variants = new List<(string, byte[], string)>();
        var files = new List<string>();
        foreach ((IntensityScale scale, string scaleName) in new[] { (IntensityScale.Sqrt, "sqrt"), (IntensityScale.Log, "log") })
        {
            foreach (bool shared in new[] { false, true })
            {
                string name = $"components-{scaleName}-{(shared ? "shared" : "per-image")}.png";
                byte[] png = sink.Save(ComponentFigure.Render(factors, scale, shared, captions), name);
                variants.Add(($"{scaleName} scale, {(shared ? "shared limits" : "limits per image")}", png, $"components, {scaleName} scale"));
                files.Add(FigureSink.PathOf(name));
            }
        }

        string maps = factors.H is null ? string.Empty : " Right of each diffraction, its map: counts (electrons) per scan position that the component explains, linear scale.";
        page.Variants("scale", variants,
            "Diffractions (columns of W, each of unit L1 norm, so dimensionless fractions of a component's electrons per detector pixel) on a sqrt or log scale." + maps +
            " Colour limits run from the minimum to the 99.5th percentile, per image or shared by all components (choose above); the colour bars give the values.",
            string.Join(", ", files));
        page.EndSection();
    }

    public static void MapSpectra(HtmlPage page, FigureSink sink, Factors factors, (float[] Weights, int Size)? kernel, string kernelSource)
    {
        if (factors.H is null)
        {
            return;
        }

        page.Section("spectra", "Fourier transforms of the maps");
        double? limit = kernel is { } k ? ResolutionLimit.CyclesPerStep(k.Weights, k.Size) : null;
        byte[] png = sink.Save(MapSpectrumFigure.Render(factors, limit), "map-spectra.png");
        string circle = limit is { } f
            ? $"The dashed circle is the resolution limit, f = {f.ToString("F3", CultureInfo.InvariantCulture)} cycles per scan step (a period of {(1 / f).ToString("F2", CultureInfo.InvariantCulture)} steps): the spatial frequency at which the map kernel's transfer function |G(f)|/G(0) — the factor [·]_H applies to each Fourier component, averaged over directions — falls to ½ ({kernelSource}). Outside it, the probe passes less than half the amplitude, so what is there is mostly noise."
            : kernel is null
                ? "No circle: no map kernel is known (no summary.json; give analyze --probe-fwhm and --scan-step to draw the resolution limit)."
                : "No circle: the map kernel passes more than half the amplitude up to the Nyquist frequency.";
        page.Figure(png, "Fourier transforms of the maps",
            $"Amplitude of the 2-D discrete Fourier transform of each map (mean removed), log scale, zero frequency at the centre, ±0.5 cycles per scan step at the edges. {circle}",
            FigureSink.PathOf("map-spectra.png"));
        page.EndSection();
    }

    public static void Convergence(HtmlPage page, FigureSink sink, ReportSource source)
    {
        page.Section("convergence", "Convergence");
        RunHistory? kept = source.Summary?.History;
        if (kept is null || kept.Mse.Length == 0)
        {
            page.Paragraph("No per-iteration history (summary.json is missing or has none).", "note");
            page.EndSection();
            return;
        }

        double? pca = source.Pca is { } p && source.Factors.Components <= p.MaxComponents ? p.Mse[source.Factors.Components] : null;
        byte[] png = sink.Save(ConvergenceFigure.RenderKept(kept, pca, source.Factors.Components), "convergence-kept.png");
        page.Figure(png, "convergence of the kept restart",
            "Kept restart, per iteration, log axes: MSE between X and WH (electrons² per detector pixel and scan position); ‖ΔW‖₁ and ‖ΔH‖₁, the L1 norms of the change of W and H in that iteration (Step 7)." +
            (pca is null ? " No PCA line: pca.json is missing (factorize --report computes it)." : " Dashed: the MSE of the best rank-k approximation (PCA), which no k-component factorization can go below; the constraints keep the NMF above it."),
            FigureSink.PathOf("convergence-kept.png"));
        if (source.Restarts is { Count: > 1 } restarts)
        {
            int chosen = Math.Clamp(source.Summary!.ChosenRestart, 0, restarts.Count - 1);
            byte[] spread = sink.Save(ConvergenceFigure.RenderSpread(restarts, chosen), "convergence-restarts.png");
            page.Figure(spread, "spread over restarts",
                $"All {restarts.Count} restarts: per iteration, the band from the lowest to the highest value with the median (blue) and the kept restart (orange, dashed); last panel, each restart's final MSE (the lowest is kept).",
                FigureSink.PathOf("convergence-restarts.png"));
        }

        page.EndSection();
    }

    public static void Pca(HtmlPage page, FigureSink sink, PcaCurve? pca, int components, double? nmfMse)
    {
        if (pca is null)
        {
            return;
        }

        page.Section("pca", "PCA spectrum");
        byte[] png = sink.Save(ScreeFigure.Render(pca, components, nmfMse), "scree.png");
        page.Figure(png, "PCA scree",
            $"Uncentred PCA of X ({pca.Method} method): eigenvalues of XXᵀ (left) and the MSE of the best rank-k approximation (right), log axes. Suggested k = {pca.Suggested}: {pca.Rule} (the MSE rule, smallest k within {pca.Fraction.ToString("P0", CultureInfo.InvariantCulture)} of the rank-{pca.MaxComponents} MSE, gives {pca.SuggestedByFraction})." +
            (nmfMse is null ? string.Empty : $" The marker is this factorization's final MSE at k = {components}."),
            FigureSink.PathOf("scree.png"));
        page.EndSection();
    }
}
