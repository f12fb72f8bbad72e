using FastNmf.Native.Handles;
using NUnit.Framework;

namespace FastNmf.Tests.Native;

public sealed class HandleTableTests
{
    [Test]
    public void Find_LiveHandle_ReturnsItsObject()
    {
        var table = new HandleTable<object>(0x5A);
        object a = new(), b = new();
        nint ha = table.Add(a), hb = table.Add(b);
        Assert.Multiple(() =>
        {
            Assert.That(table.Find(ha, out object? fa), Is.EqualTo(HandleLookup.Live));
            Assert.That(fa, Is.SameAs(a));
            Assert.That(table.Find(hb, out object? fb), Is.EqualTo(HandleLookup.Live));
            Assert.That(fb, Is.SameAs(b));
            Assert.That(table.Count, Is.EqualTo(2));
        });
    }

    [Test]
    public void Find_AfterRemoveAndSlotReuse_OldHandleIsDestroyedNotTheNewObject()
    {
        var table = new HandleTable<object>(0x5A);
        object a = new(), b = new();
        nint ha = table.Add(a);
        Assert.That(table.Remove(ha, a), Is.True);
        nint hb = table.Add(b);
        Assert.Multiple(() =>
        {
            Assert.That(hb, Is.Not.EqualTo(ha), "the reused slot carries a new generation");
            Assert.That(table.Find(ha, out object? stale), Is.EqualTo(HandleLookup.Destroyed));
            Assert.That(stale, Is.Null);
            Assert.That(table.Remove(ha, a), Is.False, "a second remove of the old handle does nothing");
            Assert.That(table.Find(hb, out object? live), Is.EqualTo(HandleLookup.Live));
            Assert.That(live, Is.SameAs(b));
        });
    }

    [TestCase(0L)]
    [TestCase(0x1234L)]
    [TestCase(0x7ffd_1234_5678L)]
    [TestCase(-1L)]
    public void Find_ValueNeverIssued_IsUnknown(long value)
    {
        var table = new HandleTable<object>(0x5A);
        table.Add(new object());
        Assert.That(table.Find((nint)value, out _), Is.EqualTo(HandleLookup.Unknown));
    }

    [Test]
    public void Find_FutureGenerationOfALiveSlot_IsUnknown()
    {
        var table = new HandleTable<object>(0x5A);
        nint h = table.Add(new object());
        // Same tag and slot, generation + 1: looks like a handle but was never issued.
        nint forged = h + (1 << 24);
        Assert.That(table.Find(forged, out _), Is.EqualTo(HandleLookup.Unknown));
    }

    [Test]
    public void Add_ManyHandles_AllDistinctAndLive()
    {
        var table = new HandleTable<object>(0x5A);
        var handles = Enumerable.Range(0, 1000).Select(_ => table.Add(new object())).ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(handles.Distinct().Count(), Is.EqualTo(1000));
            Assert.That(handles.All(h => table.Find(h, out _) == HandleLookup.Live), Is.True);
        });
    }

    [Test]
    public void Find_AHandleOfAnotherTable_IsUnknown()
    {
        var factorizers = new HandleTable<object>(0x5A);
        var models = new HandleTable<object>(0x5B);
        nint f = factorizers.Add(new object());
        nint m = models.Add(new object());
        Assert.Multiple(() =>
        {
            Assert.That(models.Find(f, out _), Is.EqualTo(HandleLookup.Unknown), "a factorizer handle is no model");
            Assert.That(factorizers.Find(m, out _), Is.EqualTo(HandleLookup.Unknown), "a model handle is no factorizer");
            Assert.That(models.Find(m, out _), Is.EqualTo(HandleLookup.Live));
        });
    }
}
