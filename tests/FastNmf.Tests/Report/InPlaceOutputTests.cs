using FastNmf.Cli.Output;
using FastNmf.Tests.TestSupport;
using NUnit.Framework;

namespace FastNmf.Tests.Report;

public sealed class InPlaceOutputTests
{
    [Test]
    public void Commit_MovesFilesAndSubfoldersIn_AndRemovesTheStaging()
    {
        using var temp = new TempDirectory();
        File.WriteAllText(temp.PathOf("W.npy"), "user data");
        using (InPlaceOutput o = InPlaceOutput.Begin(temp.Path, ["a.txt", "figures"], force: false))
        {
            File.WriteAllText(Path.Combine(o.Staging, "a.txt"), "A");
            Directory.CreateDirectory(Path.Combine(o.Staging, "figures"));
            File.WriteAllText(Path.Combine(o.Staging, "figures", "b.png"), "B");
            o.Commit();
        }

        Assert.Multiple(() =>
        {
            Assert.That(File.ReadAllText(temp.PathOf("a.txt")), Is.EqualTo("A"));
            Assert.That(File.ReadAllText(temp.PathOf("figures/b.png")), Is.EqualTo("B"));
            Assert.That(File.ReadAllText(temp.PathOf("W.npy")), Is.EqualTo("user data"));
            Assert.That(Directory.GetFileSystemEntries(temp.Path, ".analysis*"), Is.Empty);
        });
    }

    [Test]
    public void Dispose_WithoutCommit_LeavesTheDirectoryAsItWas()
    {
        using var temp = new TempDirectory();
        File.WriteAllText(temp.PathOf("W.npy"), "user data");
        using (InPlaceOutput o = InPlaceOutput.Begin(temp.Path, ["a.txt"], force: false))
        {
            File.WriteAllText(Path.Combine(o.Staging, "a.txt"), "A");
        }

        Assert.That(Directory.GetFileSystemEntries(temp.Path).Select(Path.GetFileName), Is.EqualTo(new[] { "W.npy" }));
    }

    [Test]
    public void Begin_NameExistsWithoutForce_ThrowsNamingIt()
    {
        using var temp = new TempDirectory();
        File.WriteAllText(temp.PathOf("a.txt"), "mine");

        Assert.That(() => InPlaceOutput.Begin(temp.Path, ["a.txt"], force: false), Throws.InstanceOf<IOException>().With.Message.Contains("a.txt").And.Message.Contains("--force"));
        Assert.That(File.ReadAllText(temp.PathOf("a.txt")), Is.EqualTo("mine"));
    }

    [Test]
    public void Commit_FileAppearedMeanwhile_UndoesEveryMoveAndKeepsTheUsersFile()
    {
        using var temp = new TempDirectory();
        using InPlaceOutput o = InPlaceOutput.Begin(temp.Path, ["a.txt", "z.txt"], force: false);
        File.WriteAllText(Path.Combine(o.Staging, "a.txt"), "A");
        File.WriteAllText(Path.Combine(o.Staging, "z.txt"), "Z");
        File.WriteAllText(temp.PathOf("z.txt"), "made meanwhile");

        Assert.That(o.Commit, Throws.InstanceOf<IOException>());
        Assert.Multiple(() =>
        {
            Assert.That(File.Exists(temp.PathOf("a.txt")), Is.False, "a.txt was moved in, then taken out again");
            Assert.That(File.ReadAllText(temp.PathOf("z.txt")), Is.EqualTo("made meanwhile"));
        });
    }

    [Test]
    public void Commit_WithForceFailingHalfway_RestoresTheReplacedFolderAsItWas()
    {
        using var temp = new TempDirectory();
        Directory.CreateDirectory(temp.PathOf("figures"));
        File.WriteAllText(temp.PathOf("figures/old.png"), "old");
        Directory.CreateDirectory(temp.PathOf("z.txt")); // a folder where a file is to go: the last move fails
        using InPlaceOutput o = InPlaceOutput.Begin(temp.Path, ["figures", "z.txt"], force: true);
        Directory.CreateDirectory(Path.Combine(o.Staging, "figures"));
        File.WriteAllText(Path.Combine(o.Staging, "figures", "new.png"), "new");
        File.WriteAllText(Path.Combine(o.Staging, "z.txt"), "Z");

        Assert.That(o.Commit, Throws.InstanceOf<IOException>());
        Assert.Multiple(() =>
        {
            Assert.That(Directory.GetFiles(temp.PathOf("figures")).Select(Path.GetFileName), Is.EqualTo(new[] { "old.png" }));
            Assert.That(File.ReadAllText(temp.PathOf("figures/old.png")), Is.EqualTo("old"));
            Assert.That(Directory.GetFileSystemEntries(temp.Path, ".analysis.replaced*"), Is.Empty, "nothing left in the backup");
        });
    }

    [Test]
    public void Commit_WithForce_ReplacesOnlyTheNamedFiles()
    {
        using var temp = new TempDirectory();
        File.WriteAllText(temp.PathOf("a.txt"), "old");
        File.WriteAllText(temp.PathOf("keep.txt"), "keep");
        using (InPlaceOutput o = InPlaceOutput.Begin(temp.Path, ["a.txt"], force: true))
        {
            File.WriteAllText(Path.Combine(o.Staging, "a.txt"), "new");
            o.Commit();
        }

        Assert.Multiple(() =>
        {
            Assert.That(File.ReadAllText(temp.PathOf("a.txt")), Is.EqualTo("new"));
            Assert.That(File.ReadAllText(temp.PathOf("keep.txt")), Is.EqualTo("keep"));
            Assert.That(Directory.GetFileSystemEntries(temp.Path, ".analysis*"), Is.Empty, "backup removed");
        });
    }
}
