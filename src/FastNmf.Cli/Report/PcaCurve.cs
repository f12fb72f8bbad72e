using System.Text;
using System.Text.Json;
using FastNmf.Analysis;
using FastNmf.Cli.Output;
using FastNmf.IO;

namespace FastNmf.Cli.Report;

/// <summary>
/// The PCA spectrum as the report uses it and as <c>pca.json</c> stores it: eigenvalues λ_1..λ_K of XXᵀ, MSE of the
/// best rank-k approximation for k = 0..K (the lower bound of any rank-k W·H), and the suggested k.
/// </summary>
/// <param name="Eigenvalues">λ_1 ≥ … ≥ λ_K.</param>
/// <param name="Mse">MSE_0..MSE_K.</param>
/// <param name="Suggested">The smallest k whose MSE is within <paramref name="Fraction"/> of MSE_K.</param>
/// <param name="Fraction">The criterion of <paramref name="Suggested"/>.</param>
/// <param name="Method">"gram" or "randomized".</param>
internal sealed record PcaCurve(double[] Eigenvalues, double[] Mse, int Suggested, double Fraction, string Method)
{
    /// <summary>The file name in a result directory.</summary>
    public const string FileName = "pca.json";

    /// <summary>Default of <see cref="Fraction"/>: a k is enough when fitting up to K more removes under 5 % of its MSE.</summary>
    public const double DefaultFraction = 0.05;

    /// <summary>K.</summary>
    public int MaxComponents => Eigenvalues.Length;

    /// <summary>From the library's spectrum.</summary>
    public static PcaCurve From(PcaSpectrum s, double fraction) =>
        new(s.Eigenvalues.ToArray(), s.Mse.ToArray(), s.SuggestComponents(fraction), fraction, s.Method.ToString().ToLowerInvariant());

    /// <summary>Share of ‖X‖² explained by the first k components.</summary>
    public double Explained(int k) => Mse[0] > 0 ? 1 - (Mse[k] / Mse[0]) : 0;

    /// <summary>Writes <c>pca.json</c>.</summary>
    public void Write(string path)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("method", Method);
            json.WriteNumber("max_components", MaxComponents);
            json.WriteString("mse_definition", "MSE of the best rank-k approximation of X (uncentred PCA / truncated SVD), same normalisation as the NMF MSE; index k = 0..max_components");
            JsonArrays.Write(json, "mse", Mse);
            JsonArrays.Write(json, "eigenvalues", Eigenvalues);
            JsonArrays.Write(json, "explained_fraction", Enumerable.Range(0, Mse.Length).Select(Explained));
            json.WriteNumber("suggested_k", Suggested);
            json.WriteString("suggested_k_rule", $"smallest k with MSE_k - MSE_K <= {Fraction} * MSE_K");
            json.WriteNumber("suggest_fraction", Fraction);
            json.WriteEndObject();
        }

        File.WriteAllText(path, Encoding.UTF8.GetString(stream.ToArray()) + "\n");
    }

    /// <summary>Reads <c>pca.json</c>.</summary>
    /// <exception cref="DataFormatException">not the format <see cref="Write"/> produces.</exception>
    public static PcaCurve Read(string path)
    {
        try
        {
            using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(path));
            JsonElement r = doc.RootElement;
            double[] mse = r.GetProperty("mse").EnumerateArray().Select(v => v.GetDouble()).ToArray();
            double[] eigen = r.GetProperty("eigenvalues").EnumerateArray().Select(v => v.GetDouble()).ToArray();
            if (mse.Length != eigen.Length + 1)
            {
                throw new DataFormatException(path, null, $"'mse' needs one more entry than 'eigenvalues' ({mse.Length} vs {eigen.Length}).");
            }

            return new PcaCurve(eigen, mse, r.GetProperty("suggested_k").GetInt32(), r.GetProperty("suggest_fraction").GetDouble(), r.GetProperty("method").GetString() ?? "?");
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new DataFormatException(path, null, $"not a FastNmf pca.json: {e.Message}", e);
        }
    }
}
