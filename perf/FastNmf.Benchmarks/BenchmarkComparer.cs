using System.Globalization;
using System.Text.Json;

namespace FastNmf.Benchmarks;

/// <summary>
/// Compares two BenchmarkDotNet full-JSON exports (files, or directories of <c>*-report-full.json</c>) benchmark by
/// benchmark (matched by full name) and fails when any mean time grew by more than a threshold:
/// <c>dotnet run -c Release --project perf/FastNmf.Benchmarks -- compare BASE NEW [--threshold 10]</c>. Exit code 0 when
/// nothing regressed, 1 on a regression, 2 on unreadable input.
/// </summary>
public static class BenchmarkComparer
{
    /// <summary>One benchmark present in both exports.</summary>
    public sealed record Row(string Name, double BaseNs, double NewNs)
    {
        /// <summary>Relative change of the mean, in percent (positive = slower).</summary>
        public double ChangePercent => 100 * ((NewNs / BaseNs) - 1);
    }

    /// <summary>Runs the comparison for the command line; returns the exit code.</summary>
    public static int Run(IReadOnlyList<string> args, TextWriter output)
    {
        double threshold = 10;
        var paths = new List<string>();
        for (int i = 0; i < args.Count; i++)
        {
            if (args[i] == "--threshold" && i + 1 < args.Count
                && double.TryParse(args[i + 1], NumberStyles.Float, CultureInfo.InvariantCulture, out threshold) && threshold >= 0)
            {
                i++;
            }
            else if (args[i] == "--threshold")
            {
                output.WriteLine("compare: --threshold needs a non-negative percentage.");
                return 2;
            }
            else
            {
                paths.Add(args[i]);
            }
        }

        if (paths.Count != 2)
        {
            output.WriteLine("usage: compare BASE NEW [--threshold PERCENT]  (BASE, NEW: *-report-full.json files or directories of them)");
            return 2;
        }

        Dictionary<string, double> before, after;
        try
        {
            before = Load(paths[0]);
            after = Load(paths[1]);
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException or InvalidDataException)
        {
            output.WriteLine($"compare: {e.Message}");
            return 2;
        }

        List<Row> rows = Compare(before, after);
        int regressions = 0;
        output.WriteLine($"{"benchmark",-90}{"base",14}{"new",14}{"change",10}");
        foreach (Row r in rows)
        {
            bool regressed = r.ChangePercent > threshold;
            regressions += regressed ? 1 : 0;
            output.WriteLine($"{r.Name,-90}{Format(r.BaseNs),14}{Format(r.NewNs),14}{r.ChangePercent,9:+0.0;-0.0}%{(regressed ? "  REGRESSED" : string.Empty)}");
        }

        foreach (string name in before.Keys.Except(after.Keys).Order(StringComparer.Ordinal))
        {
            output.WriteLine($"{name,-90}  only in base");
        }

        foreach (string name in after.Keys.Except(before.Keys).Order(StringComparer.Ordinal))
        {
            output.WriteLine($"{name,-90}  only in new");
        }

        output.WriteLine($"{rows.Count} compared, {regressions} regressed by more than {threshold.ToString(CultureInfo.InvariantCulture)} %");
        return regressions > 0 ? 1 : 0;
    }

    /// <summary>The benchmarks present in both, by name.</summary>
    public static List<Row> Compare(IReadOnlyDictionary<string, double> before, IReadOnlyDictionary<string, double> after) =>
        before.Keys.Intersect(after.Keys).Order(StringComparer.Ordinal).Select(n => new Row(n, before[n], after[n])).ToList();

    /// <summary>Mean time (ns) per benchmark full name from one export file or every *-report-full.json in a directory.</summary>
    public static Dictionary<string, double> Load(string path)
    {
        IEnumerable<string> files = Directory.Exists(path)
            ? Directory.EnumerateFiles(path, "*-report-full.json", SearchOption.AllDirectories)
            : File.Exists(path) ? [path] : throw new FileNotFoundException($"{path}: no such file or directory.");
        var means = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (string file in files)
        {
            using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(file));
            if (!doc.RootElement.TryGetProperty("Benchmarks", out JsonElement benchmarks) || benchmarks.ValueKind != JsonValueKind.Array)
            {
                throw new InvalidDataException($"{file}: not a BenchmarkDotNet full JSON export (no Benchmarks array).");
            }

            foreach (JsonElement b in benchmarks.EnumerateArray())
            {
                if (b.TryGetProperty("FullName", out JsonElement name) && b.TryGetProperty("Statistics", out JsonElement stats)
                    && stats.ValueKind == JsonValueKind.Object && stats.TryGetProperty("Mean", out JsonElement mean) && mean.TryGetDouble(out double ns))
                {
                    means[name.GetString()!] = ns;
                }
            }
        }

        if (means.Count == 0)
        {
            throw new InvalidDataException($"{path}: no benchmark results found.");
        }

        return means;
    }

    private static string Format(double ns) => ns >= 1e6 ? $"{ns / 1e6:F3} ms" : ns >= 1e3 ? $"{ns / 1e3:F3} µs" : $"{ns:F1} ns";
}
