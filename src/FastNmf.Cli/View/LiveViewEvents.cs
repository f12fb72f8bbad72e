using System.Buffers;
using System.Text;
using System.Text.Json;
using FastNmf.Cli.Rendering;
using FastNmf.Live;

namespace FastNmf.Cli.View;

/// <summary>
/// The server-sent events of the live page, each one UTF-8 <c>event: NAME\ndata: JSON\n\n</c>: <c>waiting</c> (the
/// source, before the first frame), <c>hello</c> (shapes and the colour table), <c>status</c> (the progress line's
/// numbers), <c>maps</c> and <c>diffractions</c> (8-bit images, base64), <c>note</c> (what the command does after the
/// last frame) and <c>end</c>. Images are scaled per component
/// to its largest finite value: 0–254, and 255 for a position whose frame was lost.
/// </summary>
internal sealed class LiveViewEvents
{
    /// <summary>The byte of a lost scan position.</summary>
    public const byte LostValue = 255;

    /// <summary>Diffractions are binned by a whole factor until neither side exceeds this.</summary>
    public const int MaxDiffractionSide = 128;

    private readonly ArrayBufferWriter<byte> _json = new(1 << 16);
    private byte[] _quantized = [];
    private float[] _binned = [];

    /// <summary>Before the scan's first frame: where it is expected from.</summary>
    public byte[] Waiting(string origin) => Event("waiting", w => w.WriteString("origin", origin));

    /// <summary>The shapes the images come in, the diffraction binning and viridis as 256 RGB triples.</summary>
    public byte[] Hello(LiveViewSource s)
    {
        int bin = Binning(s.DetRows, s.DetCols);
        return Event("hello", w =>
        {
            w.WriteString("mode", s.Mode);
            w.WriteNumber("k", s.Components);
            w.WriteNumber("scan_rows", s.ScanRows);
            w.WriteNumber("scan_cols", s.ScanCols);
            w.WriteNumber("det_rows", s.DetRows / bin);
            w.WriteNumber("det_cols", s.DetCols / bin);
            w.WriteNumber("bin", bin);
            w.WriteNumber("start_frames", s.StartFrames);
            w.WriteStartArray("lut");
            for (int i = 0; i < 256; i++)
            {
                SkiaSharp.SKColor c = Colormap.Map(i / 254f);
                w.WriteNumberValue(c.Red);
                w.WriteNumberValue(c.Green);
                w.WriteNumberValue(c.Blue);
            }

            w.WriteEndArray();
        });
    }

    /// <summary>The feed's numbers.</summary>
    public byte[] Status(LiveStatus s) => Event("status", w =>
    {
        w.WriteNumber("received", s.Received);
        w.WriteNumber("lost", s.Lost);
        w.WriteNumber("expected", s.Announced > 0 ? s.Announced : s.Positions);
        w.WriteNumber("fps", Math.Round(s.FramesPerSecond, 1));
        w.WriteNumber("mib_s", Math.Round(s.MiBPerSecond, 2));
        w.WriteNumber("lag", s.Backlog);
        w.WriteNumber("p50_ms", Math.Round(s.LatencyP50 * 1e3, 2));
        w.WriteNumber("p99_ms", Math.Round(s.LatencyP99 * 1e3, 2));
        if (s.EtaSeconds is double eta)
        {
            w.WriteNumber("eta_s", Math.Round(eta, 1));
        }
    });

    /// <summary>k maps of <paramref name="positions"/> values each, 8-bit per component.</summary>
    public byte[] Maps(ReadOnlySpan<float> maps, int components, int positions, string label) =>
        Images("maps", maps, components, positions, label, gamma: false);

    /// <summary>k diffractions, binned to at most <see cref="MaxDiffractionSide"/> a side, square-root scaled per component.</summary>
    public byte[] Diffractions(ReadOnlySpan<float> w, int components, int detRows, int detCols, string label)
    {
        int bin = Binning(detRows, detCols), rows = detRows / bin, cols = detCols / bin;
        if (_binned.Length < components * rows * cols)
        {
            _binned = new float[components * rows * cols];
        }

        for (int c = 0; c < components; c++)
        {
            Bin(w.Slice(c * detRows * detCols, detRows * detCols), detCols, bin, _binned.AsSpan(c * rows * cols, rows * cols), rows, cols);
        }

        return Images("diffractions", _binned.AsSpan(0, components * rows * cols), components, rows * cols, label, gamma: true);
    }

    /// <summary>What the command is doing now (the scan's end work).</summary>
    public byte[] Note(string message) => Event("note", w => w.WriteString("message", message));

    /// <summary>The scan ended: what happened and where the outputs are.</summary>
    public byte[] End(string message, bool complete) => Event("end", w =>
    {
        w.WriteString("message", message);
        w.WriteBoolean("complete", complete);
    });

    /// <summary>Each component's values as bytes: 254 at its largest finite value (or at 1 when that is not
    /// positive), <see cref="LostValue"/> for NaN; square-root scaled when <paramref name="gamma"/>. Returns nothing:
    /// <paramref name="scale"/> gets the largest value of each component.</summary>
    public static void Quantize(ReadOnlySpan<float> values, int components, int length, bool gamma, Span<byte> bytes, Span<float> scale)
    {
        for (int c = 0; c < components; c++)
        {
            ReadOnlySpan<float> v = values.Slice(c * length, length);
            float max = 0;
            foreach (float x in v)
            {
                if (x > max && float.IsFinite(x))
                {
                    max = x;
                }
            }

            scale[c] = max;
            float top = max > 0 ? max : 1;
            Span<byte> b = bytes.Slice(c * length, length);
            for (int i = 0; i < length; i++)
            {
                float x = v[i];
                if (float.IsNaN(x))
                {
                    b[i] = LostValue;
                    continue;
                }

                float t = x > 0 ? Math.Min(x / top, 1f) : 0;
                b[i] = (byte)MathF.Round(254f * (gamma ? MathF.Sqrt(t) : t));
            }
        }
    }

    /// <summary>The whole factor to bin a detector by so that neither side exceeds <see cref="MaxDiffractionSide"/>.</summary>
    public static int Binning(int rows, int cols)
    {
        int bin = 1;
        while (rows / bin > MaxDiffractionSide || cols / bin > MaxDiffractionSide)
        {
            bin++;
        }

        return bin;
    }

    // Mean over bin × bin blocks; trailing rows and columns that do not fill a block are left out.
    private static void Bin(ReadOnlySpan<float> image, int cols, int bin, Span<float> binned, int binnedRows, int binnedCols)
    {
        float weight = 1f / (bin * bin);
        for (int r = 0; r < binnedRows; r++)
        {
            for (int c = 0; c < binnedCols; c++)
            {
                float sum = 0;
                for (int i = 0; i < bin; i++)
                {
                    for (int j = 0; j < bin; j++)
                    {
                        sum += image[(((r * bin) + i) * cols) + (c * bin) + j];
                    }
                }

                binned[(r * binnedCols) + c] = sum * weight;
            }
        }
    }

    private byte[] Images(string name, ReadOnlySpan<float> values, int components, int length, string label, bool gamma)
    {
        if (_quantized.Length < components * length)
        {
            _quantized = new byte[components * length];
        }

        Span<float> scale = stackalloc float[components];
        Quantize(values, components, length, gamma, _quantized, scale);
        float[] scales = scale.ToArray();
        byte[] quantized = _quantized;
        return Event(name, w =>
        {
            w.WriteString("label", label);
            w.WriteStartArray("max");
            foreach (float s in scales)
            {
                w.WriteNumberValue(s);
            }

            w.WriteEndArray();
            w.WriteBase64String("data", quantized.AsSpan(0, components * length));
        });
    }

    private byte[] Event(string name, Action<Utf8JsonWriter> body)
    {
        _json.Clear();
        using (var w = new Utf8JsonWriter(_json))
        {
            w.WriteStartObject();
            body(w);
            w.WriteEndObject();
        }

        byte[] head = Encoding.ASCII.GetBytes($"event: {name}\ndata: ");
        var message = new byte[head.Length + _json.WrittenCount + 2];
        head.CopyTo(message, 0);
        _json.WrittenSpan.CopyTo(message.AsSpan(head.Length));
        message[^2] = (byte)'\n';
        message[^1] = (byte)'\n';
        return message;
    }
}
