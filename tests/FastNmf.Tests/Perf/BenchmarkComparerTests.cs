using FastNmf.Benchmarks;
using FastNmf.Tests.TestSupport;
using NUnit.Framework;

namespace FastNmf.Tests.Perf;

public sealed class BenchmarkComparerTests
{
    private TempDirectory _temp = null!;

    [SetUp]
    public void SetUp() => _temp = new TempDirectory();

    [TearDown]
    public void TearDown() => _temp.Dispose();

    [Test]
    public void Run_NoRegression_ExitsZero_RegressionBeyondThreshold_ExitsOne()
    {
        string before = Export("base", ("A", 100.0), ("B", 1000.0), ("Gone", 5.0));
        string same = Export("same", ("A", 105.0), ("B", 950.0), ("New", 7.0));
        string slower = Export("slower", ("A", 125.0), ("B", 1000.0));
        var text = new StringWriter();
        Assert.Multiple(() =>
        {
            Assert.That(BenchmarkComparer.Run([before, same, "--threshold", "10"], text), Is.Zero);
            Assert.That(text.ToString(), Does.Contain("only in base").And.Contain("only in new"));
            Assert.That(BenchmarkComparer.Run([before, slower, "--threshold", "10"], text = new StringWriter()), Is.EqualTo(1));
            Assert.That(text.ToString(), Does.Contain("REGRESSED").And.Contain("+25.0%"));
            Assert.That(BenchmarkComparer.Run([before, slower, "--threshold", "30"], new StringWriter()), Is.Zero, "within a looser threshold");
        });
    }

    [Test]
    public void Run_DirectoryOfExports_IsRead()
    {
        Export("dir/one", ("A", 10.0));
        Export("dir/two", ("B", 20.0));
        Assert.That(BenchmarkComparer.Load(_temp.PathOf("dir")).Keys, Is.EquivalentTo(new[] { "A", "B" }));
    }

    [Test]
    public void Run_BadInput_ExitsTwoWithAMessage()
    {
        string notJson = _temp.Write("x-report-full.json", "not json"u8.ToArray());
        string noBenchmarks = _temp.Write("y-report-full.json", "{\"Title\": 1}"u8.ToArray());
        var text = new StringWriter();
        Assert.Multiple(() =>
        {
            Assert.That(BenchmarkComparer.Run([notJson, notJson], text), Is.EqualTo(2));
            Assert.That(BenchmarkComparer.Run([noBenchmarks, noBenchmarks], text), Is.EqualTo(2));
            Assert.That(text.ToString(), Does.Contain("no Benchmarks array"));
            Assert.That(BenchmarkComparer.Run([_temp.PathOf("missing"), notJson], text), Is.EqualTo(2));
            Assert.That(BenchmarkComparer.Run(["only-one"], text), Is.EqualTo(2));
            Assert.That(BenchmarkComparer.Run([notJson, notJson, "--threshold", "-3"], text), Is.EqualTo(2));
        });
    }

    // A minimal export in BenchmarkDotNet's full-JSON shape: { "Benchmarks": [ { "FullName", "Statistics": { "Mean" } } ] }.
    private string Export(string name, params (string Name, double MeanNs)[] benchmarks)
    {
        string entries = string.Join(",", benchmarks.Select(b => $"{{\"FullName\":\"{b.Name}\",\"Statistics\":{{\"Mean\":{b.MeanNs.ToString(System.Globalization.CultureInfo.InvariantCulture)}}}}}"));
        string path = _temp.PathOf(name + "-report-full.json");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, $"{{\"Title\":\"t\",\"Benchmarks\":[{entries}]}}");
        return path;
    }
}
