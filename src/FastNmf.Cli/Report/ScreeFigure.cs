using ScottPlot;
using SkiaSharp;

namespace FastNmf.Cli.Report;

/// <summary>The PCA scree (eigenvalues) and rank-k MSE curves on log axes, with the suggested k marked.</summary>
internal static class ScreeFigure
{
    /// <summary>Draws both panels (caller disposes).</summary>
    /// <param name="pca">The spectrum.</param>
    /// <param name="components">k of a factorization to mark, or 0.</param>
    /// <param name="nmfMse">That factorization's final MSE, or null.</param>
    public static SKBitmap Render(PcaCurve pca, int components, double? nmfMse)
    {
        Plot eigen = PlotPanels.Create("scree", "component k", "eigenvalue λ_k of XXᵀ (log scale)");
        (double[] ex, double[] ey) = PlotPanels.Log10(pca.Eigenvalues);
        PlotPanels.LogY(eigen, ey);
        var e = eigen.Add.Scatter(ex, ey, PlotPanels.Blue);
        e.LineWidth = 1.5f;
        e.MarkerSize = 6;
        Plot mse = PlotPanels.Create("best rank-k MSE", "rank k", "MSE (log scale)");
        (double[] mx, double[] my) = PlotPanels.Log10(pca.Mse, firstX: 0);
        PlotPanels.LogY(mse, my);
        var m = mse.Add.Scatter(mx, my, PlotPanels.Blue);
        m.LineWidth = 1.5f;
        m.MarkerSize = 6;
        m.LegendText = "PCA";
        foreach (Plot plot in new[] { eigen, mse })
        {
            var v = plot.Add.VerticalLine(pca.Suggested, 1.5f, PlotPanels.Green, LinePattern.Dashed);
            v.LegendText = $"suggested k = {pca.Suggested}";
        }

        if (nmfMse is > 0 && components > 0)
        {
            var n = mse.Add.Markers(new[] { (double)components }, new[] { Math.Log10(nmfMse.Value) }, MarkerShape.OpenDiamond, 14, PlotPanels.Orange);
            n.LegendText = $"NMF, k = {components}";
        }

        eigen.ShowLegend(Alignment.UpperRight);
        mse.ShowLegend(Alignment.UpperRight);
        try
        {
            return PlotPanels.Compose([eigen, mse], 2, 520, 360);
        }
        finally
        {
            eigen.Dispose();
            mse.Dispose();
        }
    }
}
