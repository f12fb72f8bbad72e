using System.Text.Json;
using FastNmf.IO;

namespace FastNmf.Cli.Report;

/// <summary>
/// The ground truth <c>fastnmf simulate --truth DIR</c> (and <c>demo</c>, in DIR/truth) writes: W_true.npy,
/// H_true.npy and truth.json (names, and for each component its lattice and applied rotation).
/// </summary>
internal sealed class TruthSet
{
    private TruthSet(string label, float[] w, float[] h, string[] names, double[] rotations, int[] lattices, int[] symmetry)
    {
        Label = label;
        W = w;
        H = h;
        Names = names;
        Rotations = rotations;
        Lattices = lattices;
        Symmetry = symmetry;
    }

    /// <summary>Where the truth came from, for the page.</summary>
    public string Label { get; }

    public float[] W { get; }

    public float[] H { get; }

    public IReadOnlyList<string> Names { get; }

    /// <summary>Applied rotation per component in degrees (0 when truth.json predates rotated copies).</summary>
    public IReadOnlyList<double> Rotations { get; }

    /// <summary>Lattice number per component (0 amorphous), or −1 when truth.json does not say.</summary>
    public IReadOnlyList<int> Lattices { get; }

    /// <summary>n of each pattern's n-fold symmetry (0 = every rotation), or 0 when unknown.</summary>
    public IReadOnlyList<int> Symmetry { get; }

    /// <summary>Reads the truth in <paramref name="dir"/> and checks it against the factors' shapes.</summary>
    /// <exception cref="FileNotFoundException">a truth file is missing.</exception>
    /// <exception cref="DataFormatException">a file is malformed or does not match <paramref name="factors"/>.</exception>
    public static TruthSet Read(string dir, Factors factors, string label)
    {
        string wPath = Path.Combine(dir, "W_true.npy");
        string hPath = Path.Combine(dir, "H_true.npy");
        string jsonPath = Path.Combine(dir, "truth.json");
        foreach (string p in new[] { wPath, hPath, jsonPath })
        {
            if (!File.Exists(p))
            {
                throw new FileNotFoundException($"{p}: not found; a truth directory holds W_true.npy, H_true.npy and truth.json (fastnmf simulate --truth).");
            }
        }

        NpyArray w = NpyReader.ReadFloat32(wPath);
        NpyArray h = NpyReader.ReadFloat32(hPath);
        if (w.Shape.Length != 3 || w.Shape[1] != factors.DetRows || w.Shape[2] != factors.DetCols)
        {
            throw new DataFormatException(wPath, null, $"shape ({string.Join(", ", w.Shape)}) does not match the factors' detector ({factors.DetRows}, {factors.DetCols}).");
        }

        if (h.Shape.Length != 3 || h.Shape[0] != w.Shape[0] || (factors.H is not null && (h.Shape[1] != factors.ScanRows || h.Shape[2] != factors.ScanCols)))
        {
            throw new DataFormatException(hPath, null, $"shape ({string.Join(", ", h.Shape)}) does not match W_true.npy's {w.Shape[0]} components and the maps' scan ({factors.ScanRows}, {factors.ScanCols}).");
        }

        int k = (int)w.Shape[0];
        try
        {
            using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(jsonPath));
            JsonElement r = doc.RootElement;
            string[] names = r.GetProperty("components").EnumerateArray().Select(v => v.GetString() ?? "?").ToArray();
            if (names.Length != k)
            {
                throw new DataFormatException(jsonPath, null, $"names {names.Length} components, W_true.npy holds {k}.");
            }

            double[] rotations = Numbers(r, "rotations_deg", k, 0);
            int[] lattices = Numbers(r, "lattices", k, -1).Select(v => (int)v).ToArray();
            int[] symmetry = Numbers(r, "rotational_symmetry", k, 0).Select(v => (int)v).ToArray();
            return new TruthSet(label, w.Data, h.Data, names, rotations, lattices, symmetry);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new DataFormatException(jsonPath, null, $"not a FastNmf truth.json: {e.Message}", e);
        }
    }

    private static double[] Numbers(JsonElement root, string name, int k, double missing)
    {
        if (root.TryGetProperty(name, out JsonElement a) && a.ValueKind == JsonValueKind.Array && a.GetArrayLength() == k)
        {
            return a.EnumerateArray().Select(v => v.GetDouble()).ToArray();
        }

        return Enumerable.Repeat(missing, k).ToArray();
    }
}
