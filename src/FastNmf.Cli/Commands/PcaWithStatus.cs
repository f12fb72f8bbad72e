using FastNmf.Analysis;
using FastNmf.Cli.Output;
using FastNmf.Data;

namespace FastNmf.Cli.Commands;

/// <summary><see cref="Pca.Spectrum"/> with a status line once it takes more than a second (Gram rows, Krylov steps).</summary>
internal static class PcaWithStatus
{
    public static PcaSpectrum Run(UnfoldedData x, int maxComponents, PcaOptions options)
    {
        var status = new StatusLine("PCA");
        try
        {
            return Pca.Spectrum(x, maxComponents, options with { Progress = status.Report });
        }
        finally
        {
            status.Finish();
        }
    }
}
