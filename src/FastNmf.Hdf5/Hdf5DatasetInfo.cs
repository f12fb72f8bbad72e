using PureHDF.VOL.Native;

namespace FastNmf.Hdf5;

/// <summary>A numeric dataset found in an HDF5 file, with what the search learnt about it.</summary>
/// <param name="Path">Absolute path inside the file, e.g. <c>/4DSTEM_experiment/data/datacubes/datacube_0/data</c>.</param>
/// <param name="Dataset">The dataset.</param>
/// <param name="Dimensions">Its extent.</param>
/// <param name="Layout">How it was found: <c>user path</c>, <c>EMD 1.0</c>, <c>py4DSTEM</c>, <c>py4DSTEM (legacy)</c>, <c>only 4-D dataset</c>, <c>only 3-D dataset</c>.</param>
internal sealed record Hdf5DatasetInfo(string Path, NativeDataset Dataset, ulong[] Dimensions, string Layout)
{
    /// <summary>The rank.</summary>
    public int Rank => Dimensions.Length;

    /// <summary>The path and extent, e.g. <c>/data (36, 36, 128, 128)</c>.</summary>
    public string Describe() => $"{Path} ({string.Join(", ", Dimensions)})";
}
