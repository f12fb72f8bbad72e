using System.CommandLine;
using System.Globalization;
using FastNmf.Analysis;
using FastNmf.Constraints;
using FastNmf.Data;

namespace FastNmf.Cli.Commands;

/// <summary>The clustering options shared by <c>analyze</c>, <c>factorize</c> and <c>demo</c>, and their translation
/// into <see cref="AnalysisOptions"/>.</summary>
internal sealed class AnalysisOptionSet
{
    public Option<string> Linkage { get; } = new("--linkage") { Description = "Linkage of the hierarchical clustering: average (default) | single | complete | ward.", DefaultValueFactory = _ => "average" };

    public Option<double?> Cut { get; } = new("--cut") { Description = $"Cut the tree at this distance (1 − similarity); default {AnalysisOptions.DefaultDistanceThreshold}." };

    public Option<int?> Clusters { get; } = new("--clusters") { Description = "Cut the tree into at most this many clusters instead of at a distance." };

    public Option<string> ClusterBy { get; } = new("--cluster-by") { Description = "Similarity to cluster by: diffraction (rotation-invariant, Eq. 10; default) | cosine (Eq. 9).", DefaultValueFactory = _ => "diffraction" };

    public void AddTo(Command command)
    {
        Linkage.AcceptOnlyFromAmong("average", "single", "complete", "ward");
        ClusterBy.AcceptOnlyFromAmong("diffraction", "cosine");
        foreach (Option o in new Option[] { Linkage, Cut, Clusters, ClusterBy })
        {
            command.Options.Add(o);
        }
    }

    /// <summary>The analysis settings; <paramref name="polar"/> and <paramref name="mask"/> come from the factorization
    /// (or the analyze options).</summary>
    public AnalysisOptions Build(ParseResult p, PolarConstraintOptions? polar, DetectorMask? mask)
    {
        double? cut = p.GetValue(Cut);
        int? clusters = p.GetValue(Clusters);
        if (cut is not null && clusters is not null)
        {
            throw new UsageException("--cut and --clusters both choose where to cut the tree: give one.");
        }

        if (cut is { } c && !(c >= 0 && double.IsFinite(c)))
        {
            throw new UsageException($"--cut must be a finite distance ≥ 0, got {c.ToString(CultureInfo.InvariantCulture)}.");
        }

        if (clusters is < 1)
        {
            throw new UsageException($"--clusters must be at least 1, got {clusters}.");
        }

        return new AnalysisOptions
        {
            Linkage = p.GetValue(Linkage) switch
            {
                "single" => LinkageMethod.Single,
                "complete" => LinkageMethod.Complete,
                "ward" => LinkageMethod.Ward,
                _ => LinkageMethod.Average,
            },
            DistanceThreshold = cut ?? AnalysisOptions.DefaultDistanceThreshold,
            ClusterCount = clusters,
            ClusterBy = p.GetValue(ClusterBy) == "cosine" ? SimilarityMeasure.Cosine : SimilarityMeasure.Diffraction,
            Polar = polar,
            Mask = mask,
        };
    }

    /// <summary>Parses "ROW,COL" (invariant culture) for <paramref name="option"/>.</summary>
    public static (double Row, double Col) ParsePair(string value, string option)
    {
        string[] parts = value.Split(',');
        if (parts.Length != 2 || !double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out double row)
            || !double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double col))
        {
            throw new UsageException($"{option}: '{value}' is not ROW,COL.");
        }

        return (row, col);
    }
}
