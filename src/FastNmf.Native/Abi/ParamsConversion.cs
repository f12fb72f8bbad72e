using FastNmf.Constraints;
using FastNmf.Native.Errors;

namespace FastNmf.Native.Abi;

/// <summary><c>fastnmf_params</c> → <see cref="NmfOptions"/>, with every field checked and named in the error.</summary>
internal static class ParamsConversion
{
    /// <summary>The options for <paramref name="p"/> (map kernel: the paper's; the session may replace it).</summary>
    /// <exception cref="CApiException"><see cref="Status.InvalidArgument"/> naming the first bad field.</exception>
    public static NmfOptions ToOptions(in NativeParams p)
    {
        if (p.Components < 1)
        {
            throw Invalid("components", p.Components, "must be set to k >= 1 (fastnmf_params_init leaves it 0)");
        }

        if (p.Threads < 0)
        {
            throw Invalid("threads", p.Threads, "must be >= 0 (0 = all cores)");
        }

        if (!(p.Tolerance >= 0) || !double.IsFinite(p.Tolerance))
        {
            throw Invalid("tolerance", p.Tolerance, "must be a finite number >= 0 (0 = no early stop)");
        }

        if (double.IsNaN(p.PolarCentreRow) || double.IsNaN(p.PolarCentreCol) || double.IsInfinity(p.PolarCentreRow) || double.IsInfinity(p.PolarCentreCol))
        {
            throw Invalid("polar_centre_row/col", double.NaN, "must be finite (negative = detector centre)");
        }

        var options = new NmfOptions
        {
            Components = p.Components,
            Method = Member<NmfMethod>(p.Method, "method"),
            Iterations = p.Iterations,
            Restarts = p.Restarts,
            Seed = p.Seed,
            DiffractionConstraint = Member<DiffractionConstraint>(p.DiffractionConstraint, "diffraction_constraint"),
            MapConstraint = Member<MapConstraint>(p.MapConstraint, "map_constraint"),
            Threads = p.Threads == 0 ? Environment.ProcessorCount : p.Threads,
            Backend = Member<KernelBackend>(p.Backend, "backend"),
            Storage = Storage(p.Storage),
            Tolerance = p.Tolerance > 0 ? p.Tolerance : null,
            Polar = new PolarConstraintOptions(
                p.PolarCentreRow < 0 ? null : p.PolarCentreRow,
                p.PolarCentreCol < 0 ? null : p.PolarCentreCol,
                p.PhiSamples,
                p.OutlierFactor),
            BatchRestarts = p.BatchRestarts != 0,
        };
        // Everything that does not depend on the data set (k against its size is checked at run time).
        options.Validate(int.MaxValue, int.MaxValue);
        return options;
    }

    // The header numbers these constants in the library enum's order.
    private static T Member<T>(int value, string field) where T : struct, Enum
    {
        var member = (T)(object)value;
        return Enum.IsDefined(member) ? member : throw Invalid(field, value, $"is not one of the FASTNMF_* constants for it (0..{Enum.GetValues<T>().Length - 1})");
    }

    // The header's numbering (AUTO, DENSE, SPARSE, UINT16) is the library enum's order; checked, not assumed.
    private static XStorage Storage(int value) => value switch
    {
        0 => XStorage.Auto,
        1 => XStorage.Dense,
        2 => XStorage.Sparse,
        3 => XStorage.DenseUInt16,
        _ => throw Invalid("storage", value, "is not one of FASTNMF_STORAGE_AUTO/DENSE/SPARSE/UINT16 (0..3)"),
    };

    private static CApiException Invalid(string field, object value, string rule) =>
        new(Status.InvalidArgument, $"params->{field} = {value} {rule}.");
}
