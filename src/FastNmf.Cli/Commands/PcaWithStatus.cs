using FastNmf.Analysis;
using FastNmf.Cli.Output;
using FastNmf.Data;

namespace FastNmf.Cli.Commands;

/// <summary><see cref="Pca.Spectrum(UnfoldedData, int, PcaOptions?)"/> with a status line once it takes more than a second (Gram rows, Krylov steps).</summary>
internal static class PcaWithStatus
{
    public static PcaSpectrum Run(UnfoldedData x, int maxComponents, PcaOptions options, Distributed.Communicator? comm = null)
    {
        var status = new StatusLine("PCA");
        try
        {
            return Pca.Spectrum(x, maxComponents, options with { Progress = status.Report }, comm ?? Distributed.Communicator.Single);
        }
        finally
        {
            status.Finish();
        }
    }
}
