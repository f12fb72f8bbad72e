using System.Text;
using System.Text.Json;
using FastNmf.Cli.View;
using FastNmf.Live;
using NUnit.Framework;

namespace FastNmf.Tests.View;

/// <summary>The live page's events: 8-bit images scaled per component (lost positions marked, not drawn as zero),
/// diffractions binned to at most 128 a side, and every event one well-formed server-sent event with JSON data.</summary>
public sealed class LiveViewEventsTests
{
    [Test]
    public void Quantize_ScalesEachComponentToItsOwnMaximum_MarksLostAndClampsNegatives()
    {
        float[] values = [0, 1, 2, 4, float.NaN, -3, /* second component */ 10, 5, 0, 0, 0, 0];
        var bytes = new byte[12];
        var scale = new float[2];

        LiveViewEvents.Quantize(values, 2, 6, gamma: false, bytes, scale);

        Assert.Multiple(() =>
        {
            Assert.That(scale, Is.EqualTo(new[] { 4f, 10f }));
            Assert.That(bytes[..6], Is.EqualTo(new byte[] { 0, 64, 127, 254, LiveViewEvents.LostValue, 0 }));
            Assert.That(bytes[6..], Is.EqualTo(new byte[] { 254, 127, 0, 0, 0, 0 }));
        });
    }

    [Test]
    public void Quantize_WithGamma_IsTheSquareRootOfTheShare_AndAnAllZeroComponentStaysZero()
    {
        float[] values = [1, 0.25f, 0, 0, 0, 0];
        var bytes = new byte[6];
        var scale = new float[2];

        LiveViewEvents.Quantize(values, 2, 3, gamma: true, bytes, scale);

        Assert.That(bytes, Is.EqualTo(new byte[] { 254, 127, 0, 0, 0, 0 }));
    }

    [TestCase(64, 64, 1)]
    [TestCase(128, 128, 1)]
    [TestCase(256, 256, 2)]
    [TestCase(515, 130, 4)]
    [TestCase(516, 130, 5)]
    public void Binning_IsTheSmallestWholeFactorThatBringsBothSidesTo128(int rows, int cols, int expected) =>
        Assert.That(LiveViewEvents.Binning(rows, cols), Is.EqualTo(expected));

    [Test]
    public void Diffractions_AreBinnedBlockMeans_InOneWellFormedEvent()
    {
        const int k = 2, side = 256;
        var w = new float[k * side * side];
        w[0] = 4; // block (0,0) of component 0: mean 1
        w[(side * side) + (side * side) - 1] = 8; // last block of component 1: mean 2
        var events = new LiveViewEvents();

        (string name, JsonElement data) = Parse(events.Diffractions(w, k, side, side, "W"));

        byte[] image = data.GetProperty("data").GetBytesFromBase64();
        Assert.Multiple(() =>
        {
            Assert.That(name, Is.EqualTo("diffractions"));
            Assert.That(image, Has.Length.EqualTo(k * 128 * 128));
            Assert.That(data.GetProperty("max")[0].GetSingle(), Is.EqualTo(1f));
            Assert.That(data.GetProperty("max")[1].GetSingle(), Is.EqualTo(2f));
            Assert.That(image[0], Is.EqualTo(254));
            Assert.That(image[(128 * 128) - 1], Is.Zero);
            Assert.That(image[^1], Is.EqualTo(254));
        });
    }

    [Test]
    public void StatusHelloAndEnd_AreServerSentEventsWithTheNumbersThePageShows()
    {
        var events = new LiveViewEvents();
        var source = new LiveViewSource("project", 3, 4, 5, 256, 256, _ => { }, () => null);

        (string hello, JsonElement h) = Parse(events.Hello(source));
        (string status, JsonElement s) = Parse(events.Status(new LiveStatus(10, 2, 0, 20, 1 << 20, 2, 3, 0.001, 0.004)));
        (string end, JsonElement e) = Parse(events.End("done", true));

        Assert.Multiple(() =>
        {
            Assert.That((hello, status, end), Is.EqualTo(("hello", "status", "end")));
            Assert.That(h.GetProperty("lut").GetArrayLength(), Is.EqualTo(768));
            Assert.That((h.GetProperty("det_rows").GetInt32(), h.GetProperty("bin").GetInt32()), Is.EqualTo((128, 2)));
            Assert.That(s.GetProperty("expected").GetInt64(), Is.EqualTo(20), "the scan's positions when nothing is announced");
            Assert.That(s.GetProperty("fps").GetDouble(), Is.EqualTo(5));
            Assert.That(s.GetProperty("p99_ms").GetDouble(), Is.EqualTo(4));
            Assert.That(s.GetProperty("eta_s").GetDouble(), Is.EqualTo(1.6).Within(1e-9));
            Assert.That(e.GetProperty("complete").GetBoolean(), Is.True);
        });
    }

    private static (string Name, JsonElement Data) Parse(byte[] message)
    {
        string text = Encoding.UTF8.GetString(message);
        Assert.That(text, Does.StartWith("event: ").And.EndWith("\n\n"));
        string[] lines = text.TrimEnd('\n').Split('\n');
        Assert.That(lines, Has.Length.EqualTo(2), "one event line, one data line");
        Assert.That(lines[1], Does.StartWith("data: "));
        return (lines[0]["event: ".Length..], JsonDocument.Parse(lines[1]["data: ".Length..]).RootElement.Clone());
    }
}
