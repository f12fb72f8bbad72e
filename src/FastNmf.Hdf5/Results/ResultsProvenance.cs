using FastNmf.IO;

namespace FastNmf.Hdf5.Results;

/// <summary>Where a factorization's data came from, as <c>results.h5</c> records it under <c>/input</c>.</summary>
/// <param name="Path">The input file (absolute).</param>
/// <param name="Format">Its format, e.g. <c>hdf5</c>, <c>npy</c>.</param>
/// <param name="Shape">(scan_rows, scan_cols, det_rows, det_cols).</param>
/// <param name="Dtype">The element type as stored.</param>
/// <param name="Metadata">What the reader learnt about the file (<see cref="FrameSource.Metadata"/>).</param>
public sealed record ResultsProvenance(string Path, string Format, long[] Shape, string Dtype, IReadOnlyDictionary<string, string> Metadata)
{
    /// <summary>The provenance of data read from <paramref name="source"/>.</summary>
    public static ResultsProvenance From(FrameSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return new(System.IO.Path.GetFullPath(source.Path), source.Format, source.Shape, source.SourceDtype,
            new Dictionary<string, string>(source.Metadata, StringComparer.Ordinal));
    }
}
