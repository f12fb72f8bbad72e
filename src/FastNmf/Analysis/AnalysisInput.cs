namespace FastNmf.Analysis;

/// <summary>Validation of factors handed to the analysis (from FastNmf or any other tool).</summary>
internal static class AnalysisInput
{
    public static void CheckDiffractions(ReadOnlySpan<float> diffractions, int count, int detRows, int detCols)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(detRows, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(detCols, 2);
        long expected = (long)count * detRows * detCols;
        if (diffractions.Length != expected)
        {
            throw new ArgumentException($"{count} diffractions of {detRows}×{detCols} need {expected} values, got {diffractions.Length}.", nameof(diffractions));
        }

        CheckFinite(diffractions, detRows * detCols, "diffraction", nameof(diffractions));
    }

    public static void CheckMaps(ReadOnlySpan<float> maps, int count, int scanRows, int scanCols)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(scanRows, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(scanCols, 1);
        long expected = (long)count * scanRows * scanCols;
        if (maps.Length != expected)
        {
            throw new ArgumentException($"{count} maps of {scanRows}×{scanCols} need {expected} values, got {maps.Length}.", nameof(maps));
        }

        CheckFinite(maps, scanRows * scanCols, "map", nameof(maps));
    }

    private static void CheckFinite(ReadOnlySpan<float> values, int per, string what, string parameter)
    {
        for (int i = 0; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i]))
            {
                throw new ArgumentException($"{what} {i / per}, element {i % per}, is {values[i]}: values must be finite.", parameter);
            }
        }
    }
}
