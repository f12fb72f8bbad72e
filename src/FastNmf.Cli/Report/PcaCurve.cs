using System.Globalization;
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
/// <param name="Suggested">The number of eigenvalues above <paramref name="NoiseFactor"/> × the noise floor (the median of
/// the upper half of the spectrum), or the MSE-fraction rule when K is too small to tell a noise tail.</param>
/// <param name="SuggestedByFraction">The smallest k whose MSE is within <paramref name="Fraction"/> of MSE_K.</param>
/// <param name="NoiseFloor">The noise floor, or null when K &lt; 6.</param>
/// <param name="NoiseFactor">The criterion of <paramref name="Suggested"/>.</param>
/// <param name="Fraction">The criterion of <paramref name="SuggestedByFraction"/>.</param>
/// <param name="Method">"gram" or "randomized".</param>
internal sealed record PcaCurve(double[] Eigenvalues, double[] Mse, int Suggested, int SuggestedByFraction, double? NoiseFloor, double NoiseFactor, double Fraction, string Method)
{
    /// <summary>The file name in a result directory.</summary>
    public const string FileName = "pca.json";

    /// <summary>Default of <see cref="Fraction"/>: a k is enough when fitting up to K more removes under 5 % of its MSE.</summary>
    public const double DefaultFraction = 0.05;

    /// <summary>Default of <see cref="NoiseFactor"/>: a component counts when its eigenvalue is 1.5× the noise floor.</summary>
    public const double DefaultNoiseFactor = 1.5;

    /// <summary>How <see cref="Suggested"/> was chosen, in words.</summary>
    public string Rule => NoiseFloor is { } floor
        ? $"eigenvalues above {NoiseFactor.ToString(CultureInfo.InvariantCulture)} × the noise floor {floor.ToString("G4", CultureInfo.InvariantCulture)} (median of λ_{MaxComponents / 2 + 1}..λ_{MaxComponents})"
        : $"smallest k with MSE_k − MSE_{MaxComponents} ≤ {Fraction.ToString(CultureInfo.InvariantCulture)} × MSE_{MaxComponents} (too few eigenvalues for a noise floor)";

    /// <summary>K.</summary>
    public int MaxComponents => Eigenvalues.Length;

    /// <summary>From the library's spectrum.</summary>
    public static PcaCurve From(PcaSpectrum s, double fraction, double noiseFactor = DefaultNoiseFactor) =>
        new(s.Eigenvalues.ToArray(), s.Mse.ToArray(), s.SuggestAboveNoise(noiseFactor), s.SuggestComponents(fraction), s.NoiseFloor, noiseFactor, fraction,
            s.Method.ToString().ToLowerInvariant());

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
            json.WriteString("suggested_k_rule", Rule);
            if (NoiseFloor is { } floor)
            {
                json.WriteNumber("noise_floor", floor);
            }
            else
            {
                json.WriteNull("noise_floor");
            }

            json.WriteNumber("noise_factor", NoiseFactor);
            json.WriteNumber("suggested_k_by_fraction", SuggestedByFraction);
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

            JsonElement floor = r.GetProperty("noise_floor");
            return new PcaCurve(eigen, mse, r.GetProperty("suggested_k").GetInt32(), r.GetProperty("suggested_k_by_fraction").GetInt32(),
                floor.ValueKind == JsonValueKind.Null ? null : floor.GetDouble(), r.GetProperty("noise_factor").GetDouble(),
                r.GetProperty("suggest_fraction").GetDouble(), r.GetProperty("method").GetString() ?? "?");
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new DataFormatException(path, null, $"not a FastNmf pca.json: {e.Message}", e);
        }
    }
}
