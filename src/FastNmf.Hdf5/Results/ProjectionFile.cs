using FastNmf.Data;
using PureHDF;

namespace FastNmf.Hdf5.Results;

/// <summary>
/// <c>results.h5</c> of <c>fastnmf project</c>: <c>/H</c> (k, scan_rows, scan_cols) float32, the maps; <c>/residual</c>
/// (scan_rows, scan_cols) float32, ‖x − Wh‖² / n_uv per frame; <c>/W</c> and <c>/mask</c> of the model; root
/// attributes: the model directory, the map constraint applied, k, the MSE, the wall time.
/// </summary>
public static class ProjectionFile
{
    /// <summary>Writes the projection (created; an existing file is replaced, so callers write into a staging directory).</summary>
    public static void Write(string path, NmfModel model, Projection projection, string modelPath, TimeSpan elapsed, ResultsProvenance? input)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(projection);
        PixelMap pixels = model.Pixels;
        byte[] mask = new byte[pixels.DetectorPixels];
        for (int i = 0; i < mask.Length; i++)
        {
            mask[i] = pixels.Masked[i] ? (byte)1 : (byte)0;
        }

        ulong rows = (ulong)projection.ScanRows, cols = (ulong)projection.ScanCols;
        var file = new H5File
        {
            ["H"] = new H5Dataset(projection.H, fileDims: [(ulong)model.Components, rows, cols]),
            ["residual"] = new H5Dataset(projection.MeanSquaredResidual(), fileDims: [rows, cols]),
            ["W"] = new H5Dataset(model.W, fileDims: [(ulong)model.Components, (ulong)pixels.DetRows, (ulong)pixels.DetCols]),
            ["mask"] = new H5Dataset(mask, fileDims: [(ulong)pixels.DetRows, (ulong)pixels.DetCols]),
            Attributes = new()
            {
                ["fastnmf_version"] = typeof(Factorizer).Assembly.GetName().Version?.ToString() ?? "0",
                ["verb"] = "project",
                ["model"] = modelPath,
                ["components"] = model.Components,
                ["map_constraint"] = projection.MapConstraintApplied ? $"Convolution ({model.MapKernel.Description}) then [·]₊" : model.MapConstraint == MapConstraint.None ? "None" : "NonNegative",
                ["mse"] = projection.Mse,
                ["wall_time_s"] = elapsed.TotalSeconds,
                ["residual_definition"] = "||x - W h||^2 / n_uv per frame, over the model's kept pixels",
            },
        };
        if (input is not null)
        {
            file["input"] = new H5Group
            {
                Attributes = new()
                {
                    ["path"] = input.Path,
                    ["format"] = input.Format,
                    ["shape"] = input.Shape,
                    ["dtype"] = input.Dtype,
                },
            };
        }

        file.Write(path);
    }
}
