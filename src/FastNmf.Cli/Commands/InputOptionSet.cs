using System.CommandLine;
using FastNmf.IO;

namespace FastNmf.Cli.Commands;

/// <summary>
/// The options of every verb that reads a 4D-STEM file: which format (<c>--format</c>, detected by default) and the scan
/// shape where the file does not carry it (<c>--scan-shape ROWSxCOLS</c>). Shared so every such verb reads input the
/// same way.
/// </summary>
internal sealed class InputOptionSet
{
    public Option<string?> Format { get; } = new("--format")
    {
        Description = $"Input format (default: detected from the file's content, then its extension): {string.Join(" | ", FrameFormats.Names)}.",
    };

    public Option<string?> ScanShape { get; } = new("--scan-shape")
    {
        Description = "Scan grid ROWSxCOLS (e.g. 36x36) for files that do not record it (3-D stacks, .mib without .hdr, EMPAD .raw without .xml); "
            + "for files that do, it must hold the same number of frames and re-grids them.",
    };

    public void AddTo(Command command)
    {
        Format.AcceptOnlyFromAmong([.. FrameFormats.Names]);
        command.Options.Add(Format);
        command.Options.Add(ScanShape);
    }

    /// <summary>The reader options these flags give.</summary>
    /// <exception cref="UsageException">--scan-shape is not ROWSxCOLS.</exception>
    public FrameSourceOptions Build(ParseResult p)
    {
        string? scan = p.GetValue(ScanShape);
        ScanShape? shape = null;
        if (scan is not null)
        {
            try
            {
                shape = IO.ScanShape.Parse(scan);
            }
            catch (FormatException e)
            {
                throw new UsageException($"--scan-shape: {e.Message}");
            }
        }

        return new FrameSourceOptions { Format = p.GetValue(Format), ScanShape = shape };
    }
}
