using System.Text.Json;
using FastNmf.Constraints;
using FastNmf.Data;
using FastNmf.IO;

namespace FastNmf;

/// <summary>
/// Reads the model of a <c>fastnmf factorize</c> output directory from W.npy (k, det_rows, det_cols) and summary.json
/// (components, detector shape, the mask's pixel indices, the map constraint and its kernel weights, the pattern centre).
/// </summary>
internal static class ModelFiles
{
    public static NmfModel Load(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"{directory}: no such directory (a model is a fastnmf factorize output directory).");
        }

        string wPath = Path.Combine(directory, "W.npy");
        string summaryPath = Path.Combine(directory, "summary.json");
        if (!File.Exists(wPath) || !File.Exists(summaryPath))
        {
            throw new DataFormatException(directory, null, "a model directory holds W.npy and summary.json (the output of fastnmf factorize); one is missing.");
        }

        NpyArray w = NpyReader.ReadFloat32(wPath);
        if (w.Shape.Length != 3 || w.Shape[0] < 1)
        {
            throw new DataFormatException(wPath, null, $"W has shape ({string.Join(", ", w.Shape)}); a model's W is (k, det_rows, det_cols).");
        }

        int k = (int)w.Shape[0], detRows = (int)w.Shape[1], detCols = (int)w.Shape[2];
        using JsonDocument doc = Read(summaryPath);
        JsonElement root = doc.RootElement;
        if (root.TryGetProperty("components", out JsonElement comps) && comps.GetInt32() != k)
        {
            throw new DataFormatException(summaryPath, null, $"summary.json says {comps.GetInt32()} components, W.npy holds {k}.");
        }

        bool[] masked = Masked(root, w.Data, k, detRows, detCols, summaryPath);
        (double centreRow, double centreCol) = Centre(root, detRows, detCols);
        PixelMap pixels = PixelMap.FromMasked(detRows, detCols, masked, centreRow, centreCol);
        (MapConstraint map, ConvolutionKernel kernel) = MapSettings(root, summaryPath);
        return NmfModel.Create(w.Data, k, pixels, map, kernel);
    }

    private static JsonDocument Read(string path)
    {
        try
        {
            return JsonDocument.Parse(File.ReadAllBytes(path));
        }
        catch (JsonException e)
        {
            throw new DataFormatException(path, e.BytePositionInLine, $"not valid JSON: {e.Message}");
        }
    }

    // The mask: its pixel indices where summary.json lists them; none when it masked nothing; otherwise (older outputs)
    // the pixels that are zero in every diffraction, which is how a masked pixel refolds.
    private static bool[] Masked(JsonElement root, float[] w, int k, int detRows, int detCols, string path)
    {
        int n = detRows * detCols;
        var masked = new bool[n];
        if (!root.TryGetProperty("mask", out JsonElement mask))
        {
            return masked;
        }

        if (mask.TryGetProperty("masked_indices", out JsonElement indices))
        {
            foreach (JsonElement e in indices.EnumerateArray())
            {
                int i = e.GetInt32();
                if (i < 0 || i >= n)
                {
                    throw new DataFormatException(path, null, $"mask.masked_indices holds {i}, outside the {detRows}×{detCols} detector.");
                }

                masked[i] = true;
            }

            return masked;
        }

        if (mask.TryGetProperty("masked_pixels", out JsonElement count) && count.GetInt32() > 0)
        {
            for (int i = 0; i < n; i++)
            {
                bool zero = true;
                for (int c = 0; c < k && zero; c++)
                {
                    zero = w[((long)c * n) + i] == 0f;
                }

                masked[i] = zero;
            }
        }

        return masked;
    }

    private static (double Row, double Col) Centre(JsonElement root, int detRows, int detCols) =>
        root.TryGetProperty("constraints", out JsonElement c) && c.TryGetProperty("polar_centre_row", out JsonElement r) && c.TryGetProperty("polar_centre_col", out JsonElement col)
            ? (r.GetDouble(), col.GetDouble())
            : (detRows / 2.0, detCols / 2.0);

    private static (MapConstraint, ConvolutionKernel) MapSettings(JsonElement root, string path)
    {
        MapConstraint map = MapConstraint.NonNegative;
        ConvolutionKernel kernel = NmfOptions.PaperMapKernel;
        if (!root.TryGetProperty("constraints", out JsonElement c))
        {
            return (map, kernel);
        }

        string h = c.TryGetProperty("h", out JsonElement he) ? he.GetString() ?? string.Empty : string.Empty;
        map = h.StartsWith("Convolution", StringComparison.Ordinal) ? MapConstraint.Convolution
            : h.StartsWith("None", StringComparison.Ordinal) ? MapConstraint.None
            : MapConstraint.NonNegative;
        if (c.TryGetProperty("map_kernel_weights", out JsonElement weights))
        {
            float[] values = weights.EnumerateArray().Select(e => (float)e.GetDouble()).ToArray();
            int size = (int)Math.Round(Math.Sqrt(values.Length));
            if (size * size != values.Length || size % 2 == 0)
            {
                throw new DataFormatException(path, null, $"constraints.map_kernel_weights holds {values.Length} values, not an odd square kernel.");
            }

            kernel = ConvolutionKernel.FromWeights(values, size);
        }

        return (map, kernel);
    }
}
