using FastNmf.Hdf5.Results;

namespace FastNmf.Cli.Commands;

/// <summary>Where the data came from, for summary.json.</summary>
internal sealed record InputInfo(string Path, long[] Shape, string Dtype, bool FortranOrder, long Clipped, ResultsProvenance? Provenance = null);
