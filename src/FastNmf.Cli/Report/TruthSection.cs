using System.Globalization;
using FastNmf.Analysis;
using FastNmf.Cli.Rendering;

namespace FastNmf.Cli.Report;

/// <summary>The comparison with the ground truth of a simulated data set: matching, scores, and rotation angles.</summary>
internal static class TruthSection
{
    public static void Write(HtmlPage page, FigureSink sink, Factors f, TruthSet truth, AnalysisResult? a)
    {
        page.Section("truth", "Comparison with the truth");
        if (f.H is null || f.Components < truth.Names.Count)
        {
            page.Paragraph($"The truth in {truth.Label} has {truth.Names.Count} components; matching needs the maps (H.npy) and at least as many found components (k = {f.Components}).", "note");
            page.EndSection();
            return;
        }

        IReadOnlyList<ComponentMatch> matches = TruthComparison.Compare(f.W, f.H, f.Components, truth.W, truth.H, truth.Names, f.DetPixels, f.ScanPixels);
        var rows = new List<IReadOnlyList<string>>();
        foreach (ComponentMatch m in matches)
        {
            (string cluster, string found, string expected) = a is null ? ("–", "–", "–") : Rotation(m, matches, truth, a);
            rows.Add(
            [
                m.Name,
                m.Found.ToString(CultureInfo.InvariantCulture),
                m.DiffractionCosine.ToString("F3", CultureInfo.InvariantCulture),
                double.IsNaN(m.ClearedCosine) ? "–" : m.ClearedCosine.ToString("F3", CultureInfo.InvariantCulture),
                m.MapPearson.ToString("F3", CultureInfo.InvariantCulture),
                cluster,
                found,
                expected,
            ]);
        }

        page.Paragraph($"Truth from {truth.Label}. Each true component is matched to a distinct found one (maximising diffraction cosine + map Pearson correlation).");
        page.Table(["true component", "found", "diffraction cosine", "cosine, amorphous share removed", "map Pearson", "cluster", "found angle", "true angle"], rows);
        page.Paragraph("Angles: rotation relative to the representative of the cluster the found component fell into (found: from the diffraction similarity, Eq. 11; true: the simulation's applied rotations), both reduced modulo 360°/n for a pattern with n-fold symmetry.", "note");
        var cells = matches.Select(m =>
        {
            float[] tw = truth.W.AsSpan(m.Truth * f.DetPixels, f.DetPixels).ToArray();
            float[] th = truth.H.AsSpan(m.Truth * f.ScanPixels, f.ScanPixels).ToArray();
            float[] fw = f.Diffraction(m.Found);
            float[] fh = f.Map(m.Found);
            IntensityLimits maps = IntensityLimits.Compute([.. th, .. fh]);
            return new GridCell($"{m.Name} → component {m.Found}",
                $"cosine {m.DiffractionCosine.ToString("F3", CultureInfo.InvariantCulture)} · map Pearson {m.MapPearson.ToString("F3", CultureInfo.InvariantCulture)}",
                [
                    new GridImage(tw, f.DetRows, f.DetCols, IntensityScale.Sqrt, IntensityLimits.Compute(tw)),
                    new GridImage(th, f.ScanRows, f.ScanCols, IntensityScale.Linear, maps),
                    new GridImage(fw, f.DetRows, f.DetCols, IntensityScale.Sqrt, IntensityLimits.Compute(fw)),
                    new GridImage(fh, f.ScanRows, f.ScanCols, IntensityScale.Linear, maps),
                ]);
        }).ToList();
        byte[] png = sink.Save(ImageGridFigure.Render("Truth vs found", "true diffraction · true map · found diffraction · found map (maps share limits, counts)", cells, 1, null, 120), "truth.png");
        page.Figure(png, "truth comparison", "Per true component: its diffraction and map, then the found component matched to it; both maps on one colour scale (expected and found counts per scan position).", FigureSink.PathOf("truth.png"));
        page.EndSection();
    }

    /// <summary>Cluster of the found component, and its angle relative to the cluster's representative, found and true.</summary>
    internal static (string Cluster, string Found, string Expected) Rotation(ComponentMatch m, IReadOnlyList<ComponentMatch> matches, TruthSet truth, AnalysisResult a)
    {
        ComponentCluster c = a.Clusters.First(x => x.Members.Contains(m.Found));
        int index = c.Members.ToList().IndexOf(m.Found);
        int n = truth.Symmetry[m.Truth];
        string found = n == 0 ? "–" : AnalysisSections.Angle(Reduce(c.Angles[index], n));
        ComponentMatch? rep = matches.FirstOrDefault(x => x.Found == c.Representative);
        string expected = n == 0 || rep is null || truth.Lattices[rep.Truth] != truth.Lattices[m.Truth]
            ? "–"
            : AnalysisSections.Angle(Reduce(truth.Rotations[m.Truth] - truth.Rotations[rep.Truth], n));
        return (c.Label.ToString(CultureInfo.InvariantCulture), found, expected);
    }

    /// <summary><paramref name="degrees"/> modulo 360/n into (−180/n, 180/n].</summary>
    internal static double Reduce(double degrees, int n)
    {
        double period = 360.0 / n;
        double r = degrees % period;
        if (r > period / 2)
        {
            r -= period;
        }
        else if (r <= -period / 2)
        {
            r += period;
        }

        return r;
    }
}
