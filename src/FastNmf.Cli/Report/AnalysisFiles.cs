using System.Text;
using System.Text.Json;
using FastNmf.Analysis;
using FastNmf.Cli.Output;
using FastNmf.IO;

namespace FastNmf.Cli.Report;

/// <summary>
/// The analysis as files, next to W.npy: similarity.npy (cosine, Eq. 9), diffraction-similarity.npy (Eq. 10) and
/// rotation.npy (degrees, Eq. 11), all k × k float64; linkage.npy ((k − 1) × 4 float64, SciPy's format, ready for
/// <c>scipy.cluster.hierarchy.dendrogram</c>); clusters.json (settings, labels, members, angles, amorphous or not, and
/// for comparison the labels the cosine similarity gives with the same linkage and cut);
/// cluster-diffractions.npy (clusters, det_rows, det_cols) and, with maps, cluster-maps.npy (clusters, scan_rows,
/// scan_cols) float32 — the rotation-corrected averages and summed maps, in clusters.json's order.
/// </summary>
internal static class AnalysisFiles
{
    /// <summary>Every name this class may write.</summary>
    public static readonly string[] Names =
        ["similarity.npy", "diffraction-similarity.npy", "rotation.npy", "linkage.npy", "clusters.json", "cluster-diffractions.npy", "cluster-maps.npy"];

    /// <summary>Writes the files into <paramref name="dir"/>; returns the names written.</summary>
    public static IReadOnlyList<string> Write(string dir, AnalysisResult a)
    {
        int k = a.Components;
        var written = new List<string>();
        void Matrix(string name, double[,] m, long rows, long cols)
        {
            var flat = new double[m.Length];
            Buffer.BlockCopy(m, 0, flat, 0, m.Length * sizeof(double));
            NpyWriter.Write(Path.Combine(dir, name), flat, [rows, cols]);
            written.Add(name);
        }

        Matrix("similarity.npy", a.Cosine, k, k);
        Matrix("diffraction-similarity.npy", a.DiffractionSimilarity, k, k);
        Matrix("rotation.npy", a.Rotation, k, k);
        Matrix("linkage.npy", a.Linkage, k - 1, 4);
        WriteClusters(Path.Combine(dir, "clusters.json"), a);
        written.Add("clusters.json");
        int n = a.Clusters.Count;
        NpyWriter.Write(Path.Combine(dir, "cluster-diffractions.npy"), a.Clusters.SelectMany(c => c.AverageDiffraction).ToArray(), [n, a.DetRows, a.DetCols]);
        written.Add("cluster-diffractions.npy");
        if (a.HasMaps)
        {
            NpyWriter.Write(Path.Combine(dir, "cluster-maps.npy"), a.Clusters.SelectMany(c => c.SummedMap!).ToArray(), [n, a.ScanRows, a.ScanCols]);
            written.Add("cluster-maps.npy");
        }

        return written;
    }

    /// <summary>Cluster labels when cutting the cosine similarity's tree at the same place (the comparison the issue asks for).</summary>
    public static int[] CosineLabels(AnalysisResult a)
    {
        int k = a.Components;
        var d = new double[k, k];
        for (int i = 0; i < k; i++)
        {
            for (int j = 0; j < k; j++)
            {
                d[i, j] = i == j ? 0 : Math.Max(0, 1 - a.Cosine[i, j]);
            }
        }

        double[,] z = HierarchicalClustering.Linkage(d, a.Options.Linkage);
        return a.Options.ClusterCount is int n ? HierarchicalClustering.CutByCount(z, n) : HierarchicalClustering.CutByDistance(z, a.Options.DistanceThreshold);
    }

    private static void WriteClusters(string path, AnalysisResult a)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            AnalysisOptions o = a.Options;
            json.WriteStartObject();
            json.WriteString("clustered_by", o.ClusterBy == SimilarityMeasure.Diffraction ? "diffraction similarity (Eq. 10)" : "cosine similarity (Eq. 9)");
            json.WriteString("distance", "1 - similarity");
            json.WriteString("linkage", o.Linkage.ToString().ToLowerInvariant());
            json.WriteStartObject("cut");
            if (o.ClusterCount is int count)
            {
                json.WriteNumber("max_clusters", count);
            }
            else
            {
                json.WriteNumber("distance_threshold", o.DistanceThreshold);
            }

            json.WriteEndObject();
            json.WriteNumber("phi_samples", o.Polar!.PhiSamples);
            json.WriteNumber("rotation_bin_degrees", a.BinDegrees);
            json.WriteNumber("centre_row", o.Polar.CentreRow ?? a.DetRows / 2);
            json.WriteNumber("centre_col", o.Polar.CentreCol ?? a.DetCols / 2);
            json.WriteNumber("amorphous_isotropy_threshold", o.AmorphousIsotropy);
            json.WriteString("rotation_convention", "degrees, counter-clockwise as displayed (row 0 at the top); angles_deg[i] rotates the representative onto member i");
            JsonArrays.Write(json, "labels", a.Labels.Select(l => (double)l));
            JsonArrays.Write(json, "labels_by_cosine", CosineLabels(a).Select(l => (double)l));
            JsonArrays.Write(json, "isotropy", a.Isotropy);
            json.WriteStartArray("clusters");
            foreach (ComponentCluster c in a.Clusters)
            {
                json.WriteStartObject();
                json.WriteNumber("label", c.Label);
                JsonArrays.Write(json, "members", c.Members.Select(m => (double)m));
                json.WriteNumber("representative", c.Representative);
                JsonArrays.Write(json, "angles_deg", c.Angles);
                json.WriteNumber("isotropy", c.Isotropy);
                json.WriteBoolean("amorphous", c.IsAmorphous);
                if (c.SummedMap is { } map)
                {
                    json.WriteNumber("counts", map.Sum(v => (double)v));
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        File.WriteAllText(path, Encoding.UTF8.GetString(stream.ToArray()) + "\n");
    }
}
