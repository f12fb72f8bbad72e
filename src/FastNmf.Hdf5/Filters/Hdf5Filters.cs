using PureHDF.Filters;

namespace FastNmf.Hdf5.Filters;

/// <summary>
/// Registers the filters FastNmf adds to PureHDF (PureHDF keeps one process-wide table keyed by filter id; deflate,
/// shuffle, Fletcher-32 and scale-offset are built in). Every HDF5 entry point calls <see cref="EnsureRegistered"/>.
/// </summary>
public static class Hdf5Filters
{
    private static readonly Lazy<bool> Registered = new(() =>
    {
        H5Filter.Register(new BitshuffleLz4Filter());
        return true;
    }, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Registers bitshuffle/LZ4 (id 32008) once per process; later calls do nothing.</summary>
    public static void EnsureRegistered() => _ = Registered.Value;
}
