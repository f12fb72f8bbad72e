using FastNmf.Cli.Report;
using NUnit.Framework;

namespace FastNmf.Tests.Report;

public sealed class DendrogramLayoutTests
{
    [Test]
    public void Compute_FourLeaves_OrdersLeavesDepthFirstAndPlacesMergesBetweenTheirChildren()
    {
        // SciPy: Z = [[0, 3, 0.1, 2], [1, 2, 0.2, 2], [4, 5, 0.7, 4]] → dendrogram leaves [0, 3, 1, 2].
        double[,] z = { { 0, 3, 0.1, 2 }, { 1, 2, 0.2, 2 }, { 4, 5, 0.7, 4 } };

        DendrogramLayout layout = DendrogramLayout.Compute(z, 4);

        Assert.Multiple(() =>
        {
            Assert.That(layout.Order, Is.EqualTo(new[] { 0, 3, 1, 2 }));
            Assert.That(layout.LeafX, Is.EqualTo(new double[] { 0, 2, 3, 1 }));
            Assert.That(layout.Links[0].X, Is.EqualTo(new double[] { 0, 0, 1, 1 }));
            Assert.That(layout.Links[0].Y, Is.EqualTo(new[] { 0, 0.1, 0.1, 0 }));
            Assert.That(layout.Links[2].X, Is.EqualTo(new[] { 0.5, 0.5, 2.5, 2.5 }), "root joins the midpoints of its children");
            Assert.That(layout.Links[2].Y, Is.EqualTo(new[] { 0.1, 0.7, 0.7, 0.2 }));
        });
    }

    [Test]
    public void Compute_OneLeaf_HasNoLinks()
    {
        DendrogramLayout layout = DendrogramLayout.Compute(new double[0, 4], 1);

        Assert.Multiple(() =>
        {
            Assert.That(layout.Order, Is.EqualTo(new[] { 0 }));
            Assert.That(layout.Links, Is.Empty);
        });
    }

    [Test]
    public void Compute_ClusterUsedTwice_Throws()
    {
        double[,] z = { { 0, 1, 0.1, 2 }, { 0, 2, 0.2, 2 } };

        Assert.That(() => DendrogramLayout.Compute(z, 3), Throws.ArgumentException.With.Message.Contains("tree"));
    }

    [Test]
    public void Compute_WrongRowCount_Throws()
    {
        Assert.That(() => DendrogramLayout.Compute(new double[1, 4], 3), Throws.ArgumentException.With.Message.Contains("2 rows"));
    }
}
