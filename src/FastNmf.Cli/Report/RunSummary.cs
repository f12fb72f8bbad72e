using System.Globalization;
using System.Text.Json;
using FastNmf.IO;

namespace FastNmf.Cli.Report;

/// <summary>What the report takes from a result directory's summary.json (written by factorize and demo).</summary>
internal sealed class RunSummary
{
    private readonly JsonElement _root;

    private RunSummary(JsonElement root) => _root = root;

    /// <summary>The kept restart's history.</summary>
    public RunHistory? History { get; private init; }

    /// <summary>Index of the kept restart.</summary>
    public int ChosenRestart => Int("chosen_restart") ?? 0;

    /// <summary>Each restart's index, final MSE, iterations, ridge solves and re-seeds, as table rows.</summary>
    public IReadOnlyList<string[]> RestartRows { get; private init; } = [];

    /// <summary>The map kernel (odd square) [·]_H used, when summary.json records its weights.</summary>
    public (float[] Weights, int Size)? MapKernel { get; private init; }

    /// <summary>The direct-beam disc the factorization masked (radius, centre row, centre column), or null.</summary>
    public (double Radius, double Row, double Col)? MaskDisc =>
        _root.TryGetProperty("mask", out JsonElement m) && m.ValueKind == JsonValueKind.Object
            && m.TryGetProperty("radius", out JsonElement r) && r.ValueKind == JsonValueKind.Number
            && m.TryGetProperty("centre_row", out JsonElement cr) && cr.ValueKind == JsonValueKind.Number
            && m.TryGetProperty("centre_col", out JsonElement cc) && cc.ValueKind == JsonValueKind.Number
            ? (r.GetDouble(), cr.GetDouble(), cc.GetDouble())
            : null;

    /// <summary>φ samples of [·]_W the factorization used, or null.</summary>
    public int? PhiSamples =>
        _root.TryGetProperty("constraints", out JsonElement c) && c.ValueKind == JsonValueKind.Object && c.TryGetProperty("phi_samples", out JsonElement n) && n.TryGetInt32(out int v) ? v : null;

    /// <summary>The [·]_W polar centre the factorization used (row, column), or null for the detector centre.</summary>
    public (double Row, double Col)? PolarCentre =>
        _root.TryGetProperty("constraints", out JsonElement c) && c.ValueKind == JsonValueKind.Object
            && c.TryGetProperty("polar_centre_row", out JsonElement r) && r.ValueKind == JsonValueKind.Number
            && c.TryGetProperty("polar_centre_col", out JsonElement k) && k.ValueKind == JsonValueKind.Number
            ? (r.GetDouble(), k.GetDouble())
            : null;

    /// <summary>The truth comparison demo (or factorize --truth) recorded: name, matched index, cosine, cleared cosine, Pearson.</summary>
    public IReadOnlyList<(string Name, int Found, double Cosine, double? Cleared, double Pearson)> Truth { get; private init; } = [];

    /// <summary>Reads <paramref name="path"/>.</summary>
    /// <exception cref="DataFormatException">not JSON, or not an object.</exception>
    public static RunSummary Read(string path)
    {
        JsonElement root;
        try
        {
            using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(path));
            root = doc.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new DataFormatException(path, null, $"not valid JSON: {e.Message}", e);
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new DataFormatException(path, null, "expected a JSON object (FastNmf's summary.json).");
        }

        var summary = new RunSummary(root);
        RunHistory? history = null;
        if (root.TryGetProperty("history", out JsonElement h) && h.ValueKind == JsonValueKind.Object)
        {
            history = new RunHistory(Numbers(h, "mse"), Numbers(h, "delta_w_l1"), Numbers(h, "delta_h_l1"));
        }

        return new RunSummary(root)
        {
            History = history,
            RestartRows = summary.ReadRestartRows(),
            MapKernel = summary.ReadKernel(),
            Truth = summary.ReadTruth(),
        };
    }

    /// <summary>The parameters table: label and value, in reading order; keys summary.json lacks are left out.</summary>
    public IReadOnlyList<(string Label, string Value)> Parameters()
    {
        var rows = new List<(string, string)>();
        void Add(string label, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                rows.Add((label, value));
            }
        }

        Add("method", Text("method"));
        if (_root.TryGetProperty("constraints", out JsonElement c) && c.ValueKind == JsonValueKind.Object)
        {
            Add("constraint on W", Text(c, "w"));
            Add("constraint on H", Text(c, "h"));
            Add("map kernel", Text(c, "map_kernel"));
            Add("φ samples of [·]_W", Raw(c, "phi_samples"));
            Add("bright-spot threshold of [·]_W", Raw(c, "outlier_factor") is { } f ? $"{f} × radial mean" : null);
        }

        Add("components k", Raw(_root, "components"));
        Add("iterations per restart", Raw(_root, "iterations"));
        Add("restarts", Raw(_root, "restarts"));
        Add("seed", Raw(_root, "seed"));
        Add("early-stop tolerance", Raw(_root, "tolerance") is { } tol && tol != "null" ? tol : "off");
        if (_root.TryGetProperty("shape", out JsonElement s))
        {
            Add("scan × detector", $"{Raw(s, "scan_rows")}×{Raw(s, "scan_cols")} × {Raw(s, "det_rows")}×{Raw(s, "det_cols")} pixels");
        }

        if (_root.TryGetProperty("input", out JsonElement input) && input.ValueKind == JsonValueKind.Object)
        {
            Add("input", $"{Text(input, "path")} ({Text(input, "dtype")}{(input.TryGetProperty("fortran_order", out JsonElement fo) && fo.ValueKind == JsonValueKind.True ? ", Fortran order" : string.Empty)})");
        }

        if (_root.TryGetProperty("mask", out JsonElement m) && m.ValueKind == JsonValueKind.Object)
        {
            Add("detector mask", Text(m, "kind") == "none" ? "none" : $"{Text(m, "kind")}, radius {Raw(m, "radius")} px at ({Raw(m, "centre_row")}, {Raw(m, "centre_col")}), {Raw(m, "masked_pixels")} pixels");
        }

        Add("W normalisation", Text("w_normalisation"));
        Add("backend", Text("backend"));
        Add("X storage", Text("storage"));
        Add("restarts per pass over X", Raw(_root, "restarts_per_pass"));
        Add("threads", Raw(_root, "threads"));
        Add("kernels", Text("kernels"));
        Add("FastNmf version", Text("fastnmf_version"));
        return rows;
    }

    /// <summary>The timings table: wall time, per restart-iteration, final MSE, kept restart.</summary>
    public IReadOnlyList<(string Label, string Value)> Timings()
    {
        var rows = new List<(string, string)>();
        if (Number("wall_time_s") is { } wall)
        {
            rows.Add(("wall time of the factorization", wall.ToString("F2", CultureInfo.InvariantCulture) + " s"));
        }

        if (Number("ms_per_restart_iteration") is { } ms)
        {
            rows.Add(("per restart-iteration", ms.ToString("F3", CultureInfo.InvariantCulture) + " ms"));
        }

        if (Number("final_mse") is { } mse)
        {
            rows.Add(("final MSE of the kept restart", mse.ToString("G6", CultureInfo.InvariantCulture) + $" (restart {ChosenRestart + 1})"));
        }

        return rows;
    }

    private static double[] Numbers(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out JsonElement a) && a.ValueKind == JsonValueKind.Array
            ? a.EnumerateArray().Select(v => v.ValueKind == JsonValueKind.Number ? v.GetDouble() : double.NaN).ToArray()
            : [];

    private static string? Text(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static string? Raw(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out JsonElement v) ? v.GetRawText() : null;

    private string? Text(string name) => Text(_root, name);

    private int? Int(string name) => _root.TryGetProperty(name, out JsonElement v) && v.TryGetInt32(out int i) ? i : null;

    private double? Number(string name) => _root.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;

    private List<string[]> ReadRestartRows()
    {
        var rows = new List<string[]>();
        if (_root.TryGetProperty("restarts_detail", out JsonElement details) && details.ValueKind == JsonValueKind.Array)
        {
            foreach (JsonElement r in details.EnumerateArray())
            {
                int index = r.TryGetProperty("index", out JsonElement i) && i.TryGetInt32(out int n) ? n : rows.Count;
                rows.Add(
                [
                    (index + 1).ToString(CultureInfo.InvariantCulture) + (index == ChosenRestart ? " (kept)" : string.Empty),
                    r.TryGetProperty("final_mse", out JsonElement f) && f.ValueKind == JsonValueKind.Number ? f.GetDouble().ToString("G8", CultureInfo.InvariantCulture) : "?",
                    Raw(r, "iterations") ?? "?",
                    Raw(r, "ridge_solves") ?? "?",
                    Raw(r, "reseeded_components") ?? "?",
                ]);
            }
        }

        return rows;
    }

    private (float[] Weights, int Size)? ReadKernel()
    {
        if (!_root.TryGetProperty("constraints", out JsonElement c) || c.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        float[] weights = Numbers(c, "map_kernel_weights").Select(v => (float)v).ToArray();
        int size = (int)Math.Round(Math.Sqrt(weights.Length));
        return weights.Length > 0 && size * size == weights.Length && size % 2 == 1 && weights.All(float.IsFinite) ? (weights, size) : null;
    }

    private List<(string, int, double, double?, double)> ReadTruth()
    {
        var rows = new List<(string, int, double, double?, double)>();
        if (_root.TryGetProperty("truth_comparison", out JsonElement t) && t.ValueKind == JsonValueKind.Array)
        {
            foreach (JsonElement m in t.EnumerateArray())
            {
                double? cleared = m.TryGetProperty("diffraction_cosine_amorphous_cleared", out JsonElement cl) && cl.ValueKind == JsonValueKind.Number ? cl.GetDouble() : null;
                rows.Add((Text(m, "component") ?? "?", Int(m, "matched_index") ?? -1, Double(m, "diffraction_cosine"), cleared, Double(m, "map_pearson")));
            }
        }

        return rows;

        static int? Int(JsonElement e, string name) => e.TryGetProperty(name, out JsonElement v) && v.TryGetInt32(out int i) ? i : null;
        static double Double(JsonElement e, string name) => e.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : double.NaN;
    }
}
