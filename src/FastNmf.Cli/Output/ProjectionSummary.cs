using System.Text.Json;
using FastNmf.Cli.Commands;

namespace FastNmf.Cli.Output;

/// <summary>summary.json of <c>fastnmf project</c> (Utf8JsonWriter, no reflection).</summary>
internal static class ProjectionSummary
{
    public static void Write(string path, NmfModel model, Projection projection, string modelPath, InputInfo input, TimeSpan elapsed)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("fastnmf_version", typeof(Factorizer).Assembly.GetName().Version?.ToString() ?? "0");
            json.WriteString("verb", "project");
            json.WriteString("model", modelPath);
            json.WriteNumber("components", model.Components);
            json.WriteString("map_constraint", projection.MapConstraintApplied ? "Convolution" : model.MapConstraint.ToString());
            json.WriteString("map_kernel", model.MapKernel.Description);
            json.WriteNumber("ridge", model.Ridge);
            json.WriteNumber("mse", projection.Mse);
            json.WriteString("residual", "residual.npy: ||x - W h||^2 / n_uv per frame (scan_rows, scan_cols), over the model's kept pixels");
            json.WriteNumber("wall_time_s", elapsed.TotalSeconds);
            json.WriteStartObject("shape");
            json.WriteNumber("scan_rows", projection.ScanRows);
            json.WriteNumber("scan_cols", projection.ScanCols);
            json.WriteNumber("det_rows", model.Pixels.DetRows);
            json.WriteNumber("det_cols", model.Pixels.DetCols);
            json.WriteNumber("kept_pixels", model.Pixels.KeptCount);
            json.WriteEndObject();
            json.WriteStartObject("input");
            json.WriteString("path", input.Path);
            json.WriteString("dtype", input.Dtype);
            json.WriteNumber("negative_values_clipped", input.Clipped);
            json.WriteEndObject();
            json.WriteEndObject();
        }

        File.WriteAllBytes(path, stream.ToArray());
    }
}
