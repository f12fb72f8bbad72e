using System.Text.Json;
using FastNmf.IO;
using FastNmf.Streams;
using FastNmf.Tests.TestSupport;
using NUnit.Framework;

namespace FastNmf.Tests.Cli;

/// <summary><c>fastnmf live</c>: a replayed file gives the outputs of <c>fastnmf project</c> bit for bit; a source that
/// stops early is written and flagged incomplete; bad options are one usage error.</summary>
[TestFixture]
[NonParallelizable]
[CancelAfter(120_000)]
public sealed class CliLiveTests : CliHarness
{
    [Test]
    public void LiveReplay_EqualsProjectOnTheSameFile()
    {
        string input = WriteSimulated("X.npy");
        string fit = PathOf("fit"), projected = PathOf("proj"), live = PathOf("live");
        Assert.That(Run("factorize", input, "-k", "4", "--out", fit, "--iterations", "30", "--restarts", "1", "--report", "false").Code, Is.Zero);
        Assert.That(Run("project", fit, input, "--out", projected).Code, Is.Zero);

        Result result = Run("live", "--replay", input, "--model", fit, "--out", live, "--timeout", "20");

        Assert.That(result.Code, Is.Zero, result.ToString());
        JsonElement summary = ReadSummary(live);
        bool[] received = ReadBools(Path.Combine(live, "received.npy"));
        Assert.Multiple(() =>
        {
            Assert.That(NpyReader.ReadFloat32(Path.Combine(live, "H.npy")).Data, Is.EqualTo(NpyReader.ReadFloat32(Path.Combine(projected, "H.npy")).Data).AsCollection, "H.npy");
            Assert.That(NpyReader.ReadFloat32(Path.Combine(live, "residual.npy")).Data, Is.EqualTo(NpyReader.ReadFloat32(Path.Combine(projected, "residual.npy")).Data).AsCollection, "residual.npy");
            Assert.That(received, Has.Length.EqualTo(144).And.All.True);
            Assert.That(summary.GetProperty("complete").GetBoolean(), Is.True);
            Assert.That(summary.GetProperty("stream").GetProperty("frames_received").GetInt64(), Is.EqualTo(144));
            Assert.That(summary.GetProperty("stream").GetProperty("latency_ms").GetProperty("p99").GetDouble(), Is.GreaterThan(0));
            Assert.That(File.Exists(Path.Combine(live, "results.h5")), Is.True);
            Assert.That(result.Output, Does.Contain("144/144 frames").And.Contain("latency from a frame's last byte to its map value"));
        });
    }

    [Test]
    public void LiveMerlin_ASourceThatStopsEarly_IsWrittenAndFlaggedIncomplete()
    {
        string input = WriteSimulated("X.npy");
        string fit = PathOf("fit"), live = PathOf("live");
        Assert.That(Run("factorize", input, "-k", "3", "--out", fit, "--iterations", "20", "--restarts", "1", "--report", "false").Code, Is.Zero);
        float[] x = NpyReader.ReadFloat32(input).Data;
        var writer = new MerlinFrameWriter(32, 32, MerlinPixelFormat.U16);
        using var bytes = new MemoryStream();
        bytes.Write(writer.AcquisitionHeader(144, 12, 12));
        var message = new byte[writer.FrameMessageLength];
        for (int j = 0; j < 100; j++)
        {
            writer.WriteFrame(x.AsSpan(j * 1024, 1024), j + 1, message, "X.npy");
            bytes.Write(message);
        }

        using var sender = new LoopbackSender([bytes.ToArray()]);
        Result result = Run("live", "--merlin", $"127.0.0.1:{sender.Port}", "--model", fit, "--out", live, "--timeout", "20");

        bool[] received = ReadBools(Path.Combine(live, "received.npy"));
        float[] h = NpyReader.ReadFloat32(Path.Combine(live, "H.npy")).Data;
        Assert.Multiple(() =>
        {
            Assert.That(result.Code, Is.EqualTo(2), result.ToString());
            Assert.That(result.Error.Trim().Split('\n'), Has.Length.EqualTo(1), "one error line");
            Assert.That(result.Error, Does.Contain("the source ended after frame 99 of 144").And.Contain("flagged incomplete"));
            Assert.That(ReadSummary(live).GetProperty("complete").GetBoolean(), Is.False);
            Assert.That(ReadSummary(live).GetProperty("end").GetString(), Is.EqualTo("ended_early"));
            Assert.That(received.Take(100), Has.All.True);
            Assert.That(received.Skip(100), Has.All.False);
            Assert.That(h.Skip(100).Take(44), Has.All.NaN, "component 0 where no frame arrived");
        });
    }

    [TestCase(1)]
    [TestCase(2)]
    public void LiveDectris_EqualsProjectOnTheSameFile(int streamVersion)
    {
        string input = WriteSimulated("X.npy");
        string fit = PathOf("fit"), projected = PathOf("proj"), live = PathOf("live");
        Assert.That(Run("factorize", input, "-k", "3", "--out", fit, "--iterations", "20", "--restarts", "1", "--report", "false").Code, Is.Zero);
        Assert.That(Run("project", fit, input, "--out", projected).Code, Is.Zero);
        using FrameSource source = FrameFormats.Open(input);
        using var server = new FastNmf.Dectris.SimplonReplayServer(source, System.Net.IPAddress.Loopback, 0, 0, streamVersion: streamVersion);
        Task serving = Task.Run(() => server.Serve(CancellationToken.None));

        Result result = Run("live", "--dectris", $"tcp://127.0.0.1:{server.Port}", "--scan-shape", "12x12", "--model", fit, "--out", live, "--timeout", "20");

        Assert.That(serving.Wait(TimeSpan.FromSeconds(20)), Is.True);
        Assert.Multiple(() =>
        {
            Assert.That(result.Code, Is.Zero, result.ToString());
            Assert.That(NpyReader.ReadFloat32(Path.Combine(live, "H.npy")).Data, Is.EqualTo(NpyReader.ReadFloat32(Path.Combine(projected, "H.npy")).Data).AsCollection);
            Assert.That(ReadSummary(live).GetProperty("stream").GetProperty("source").GetString(), Does.StartWith("dectris tcp://127.0.0.1:"));
            Assert.That(ReadSummary(live).GetProperty("stream").GetRawText().Contains("stream v2", StringComparison.Ordinal), Is.EqualTo(streamVersion == 2), "the version read");
        });
    }

    [Test]
    public void LiveLearn_WritesTheFinishAndTheLearnedW()
    {
        string input = WriteSimulated("X.npy");
        string live = PathOf("learn");
        Result result = Run("live", "--replay", input, "--learn", "-k", "4", "--seed", "3", "--finish-iterations", "10", "--out", live, "--timeout", "20", "--view", "0");

        Assert.That(result.Code, Is.Zero, result.ToString());
        JsonElement summary = ReadSummary(live);
        JsonElement learning = summary.GetProperty("learning");
        NpyArray w = NpyReader.ReadFloat32(Path.Combine(live, "W.npy"));
        NpyArray learned = NpyReader.ReadFloat32(Path.Combine(live, "learned_W.npy"));
        Assert.Multiple(() =>
        {
            Assert.That(summary.GetProperty("mode").GetString(), Is.EqualTo("learn"));
            Assert.That(summary.GetProperty("complete").GetBoolean(), Is.True);
            Assert.That(learning.GetProperty("finish_iterations").GetInt32(), Is.EqualTo(10));
            Assert.That(learning.GetProperty("finished_mse").GetDouble(), Is.GreaterThan(0));
            Assert.That(learning.GetProperty("learned_vs_finished_diffraction_cosine").GetArrayLength(), Is.EqualTo(4));
            Assert.That(w.Shape, Is.EqualTo(new long[] { 4, 32, 32 }));
            Assert.That(learned.Shape, Is.EqualTo(new long[] { 4, 32, 32 }));
            Assert.That(w.Data, Is.Not.EqualTo(learned.Data), "W.npy is the finish's, not the learned W");
            Assert.That(File.Exists(Path.Combine(live, "factorize-summary.json")), Is.True);
            Assert.That(result.Output, Does.Contain("learned W:").And.Contain("finished: 10 iterations of the batch protocol"));
            Assert.That(result.Output, Does.Match(@"view: http://127\.0\.0\.1:\d+/ \(this machine only"));
        });
    }

    [TestCase(new[] { "--model", "m", "--out", "o" }, "give one source")]
    [TestCase(new[] { "--merlin", "127.0.0.1:1", "--dectris", "tcp://127.0.0.1:2", "--model", "m", "--out", "o" }, "give one source")]
    [TestCase(new[] { "--dectris", "127.0.0.1:9999", "--model", "m", "--out", "o" }, "--dectris 127.0.0.1:9999: a ZeroMQ address")]
    [TestCase(new[] { "--replay", "x.npy", "--out", "o" }, "give what to do: --model DIR")]
    [TestCase(new[] { "--replay", "x.npy", "--learn", "--out", "o" }, "--learn needs -k between 1 and 64")]
    [TestCase(new[] { "--replay", "x.npy", "--model", "m", "-k", "3", "--out", "o" }, "-k is for --learn")]
    [TestCase(new[] { "--merlin", "localhost", "--model", "m", "--out", "o" }, "--merlin localhost: use HOST:PORT")]
    [TestCase(new[] { "--merlin", "127.0.0.1:1", "--rate", "100", "--model", "m", "--out", "o" }, "with --replay only")]
    [TestCase(new[] { "--replay", "x.npy", "--scan-shape", "3", "--model", "m", "--out", "o" }, "--scan-shape")]
    [TestCase(new[] { "--replay", "x.npy", "--view", "70000", "--model", "m", "--out", "o" }, "--view 70000: a port on 127.0.0.1")]
    public void Live_BadOptions_AreOneUsageError(string[] args, string expected)
    {
        Result result = Run(["live", .. args]);
        Assert.Multiple(() =>
        {
            Assert.That(result.Code, Is.EqualTo(2), result.ToString());
            Assert.That(result.Error, Does.Contain(expected));
        });
    }

    [Test]
    public void LiveView_OnAPortInUse_IsOneErrorAndWritesNothing()
    {
        string input = WriteSimulated("X.npy");
        string fit = PathOf("fit"), live = PathOf("live");
        Assert.That(Run("factorize", input, "-k", "2", "--out", fit, "--iterations", "5", "--restarts", "1", "--report", "false").Code, Is.Zero);
        using var busy = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        busy.Start();
        int port = ((System.Net.IPEndPoint)busy.LocalEndpoint).Port;

        Result result = Run("live", "--replay", input, "--model", fit, "--out", live, "--view", port.ToString(System.Globalization.CultureInfo.InvariantCulture));

        Assert.Multiple(() =>
        {
            Assert.That(result.Code, Is.EqualTo(2), result.ToString());
            Assert.That(result.Error.Trim().Split('\n'), Has.Length.EqualTo(1), "one error line");
            Assert.That(result.Error, Does.Contain($"--view {port}: cannot listen on 127.0.0.1:{port}"));
            Assert.That(Directory.Exists(live) && Directory.EnumerateFileSystemEntries(live).Any(), Is.False, "nothing written");
        });
    }

    [TestCase("merlin", new[] { "--raw", "24" }, "--raw 24: RAW counter depths are 1, 6 and 12")]
    [TestCase("merlin", new[] { "--bind", "example.org" }, "--bind example.org: not an IP address")]
    [TestCase("merlin", new[] { "--mask-dead-hot" }, "mask options do not apply")]
    [TestCase("dectris", new[] { "--stream", "3" }, "--stream 3: SIMPLON stream versions are 1 and 2")]
    public void Replay_BadOptions_AreOneUsageError(string detector, string[] args, string expected)
    {
        string input = WriteSimulated("X.npy");
        Result result = Run(["replay", detector, input, "--port", "0", .. args]);
        Assert.Multiple(() =>
        {
            Assert.That(result.Code, Is.EqualTo(2), result.ToString());
            Assert.That(result.Error, Does.Contain(expected));
        });
    }

    // received.npy: NumPy's bool (|b1), 12×12, one byte per position after the header.
    private static bool[] ReadBools(string path)
    {
        byte[] file = File.ReadAllBytes(path);
        string header = System.Text.Encoding.ASCII.GetString(file, 0, Math.Min(file.Length, 128));
        Assert.That(header, Does.Contain("'descr': '|b1'").And.Contain("'shape': (12, 12)"));
        return file[^144..].Select(b => b != 0).ToArray();
    }
}
