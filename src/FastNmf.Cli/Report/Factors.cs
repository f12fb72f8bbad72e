namespace FastNmf.Cli.Report;

/// <summary>
/// The factors a report describes: k diffractions (W, <c>k × DetRows × DetCols</c>) and, when present, their maps
/// (H, <c>k × ScanRows × ScanCols</c>), as FastNmf writes them to W.npy and H.npy.
/// </summary>
internal sealed class Factors
{
    public Factors(float[] w, int components, int detRows, int detCols, float[]? h, int scanRows, int scanCols)
    {
        W = w;
        Components = components;
        DetRows = detRows;
        DetCols = detCols;
        H = h;
        ScanRows = h is null ? 0 : scanRows;
        ScanCols = h is null ? 0 : scanCols;
    }

    public float[] W { get; }

    public float[]? H { get; }

    public int Components { get; }

    public int DetRows { get; }

    public int DetCols { get; }

    public int ScanRows { get; }

    public int ScanCols { get; }

    public int DetPixels => DetRows * DetCols;

    public int ScanPixels => ScanRows * ScanCols;

    public float[] Diffraction(int c) => W.AsSpan(c * DetPixels, DetPixels).ToArray();

    public float[] Map(int c) => H is null ? throw new InvalidOperationException("these factors have no maps (no H.npy).") : H.AsSpan(c * ScanPixels, ScanPixels).ToArray();
}
