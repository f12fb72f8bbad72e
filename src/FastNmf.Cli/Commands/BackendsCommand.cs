using System.CommandLine;

namespace FastNmf.Cli.Commands;

/// <summary><c>fastnmf backends</c>: which kernel backends this machine can run, and why a native one cannot.</summary>
internal static class BackendsCommand
{
    public static Command Create()
    {
        var command = new Command("backends", "List the kernel backends (managed, OpenBLAS, MKL) and lane widths available here, with the library load trace.");
        command.SetAction(_ => CliErrors.Run(() =>
        {
            foreach (string line in Factorizer.BackendReport())
            {
                Console.WriteLine(line);
            }

            Console.WriteLine($"FFT for the diffraction similarity (φ cross-correlation): {FastNmf.Analysis.DiffractionSimilarity.FftDescription}");
            return 0;
        }));
        return command;
    }
}
