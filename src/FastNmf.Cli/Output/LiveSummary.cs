using System.Text.Json;
using FastNmf.Live;

namespace FastNmf.Cli.Output;

/// <summary>summary.json of <c>fastnmf live</c>: the projection's facts, and what was received, lost and how fast.</summary>
internal static class LiveSummary
{
    /// <summary>What learn mode adds: the learning's bookkeeping and how far the learned W was from the finish.</summary>
    public sealed record Learning(int Refreshes, int Passes, int Reseeds, int FinishIterations, string? FinishSkipped, double? FinishedMse, double[]? Agreement);

    public static void Write(string path, string mode, NmfModel model, Projection projection, string? modelPath, string source, string frames, LiveFeedResult feed, Learning? learning)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("fastnmf_version", typeof(Factorizer).Assembly.GetName().Version?.ToString() ?? "0");
            json.WriteString("verb", "live");
            json.WriteString("mode", mode);
            json.WriteBoolean("complete", feed.IsComplete);
            json.WriteString("end", feed.End switch { LiveEnd.Complete => "complete", LiveEnd.EndedEarly => "ended_early", LiveEnd.Failed => "failed", _ => "cancelled" });
            if (feed.Reason is not null)
            {
                json.WriteString("reason", feed.Reason);
            }

            if (modelPath is not null)
            {
                json.WriteString("model", modelPath);
            }

            json.WriteNumber("components", model.Components);
            json.WriteString("map_constraint", projection.MapConstraintApplied ? "Convolution" : model.MapConstraint.ToString());
            json.WriteString("map_kernel", model.MapKernel.Description);
            json.WriteNumber(learning is null ? "mse" : "mse_on_learned_w", projection.Mse);
            if (learning is not null)
            {
                json.WriteStartObject("learning");
                json.WriteNumber("w_refreshes", learning.Refreshes);
                json.WriteNumber("passes_over_received_frames", learning.Passes);
                json.WriteNumber("components_reseeded", learning.Reseeds);
                json.WriteNumber("finish_iterations", learning.FinishIterations);
                if (learning.FinishSkipped is not null)
                {
                    json.WriteString("finish_skipped", learning.FinishSkipped);
                }

                if (learning.FinishedMse is double mse)
                {
                    json.WriteNumber("finished_mse", mse);
                    json.WriteString("outputs", "W.npy, H.npy, results.h5 and factorize-summary.json are the finish's (the paper's protocol, warm-started); learned_W.npy is the W learned during the scan");
                }

                if (learning.Agreement is not null)
                {
                    JsonArrays.Write(json, "learned_vs_finished_diffraction_cosine", learning.Agreement);
                }

                json.WriteEndObject();
            }

            json.WriteString("residual", "residual.npy: ||x - W h||^2 / n_uv per frame (scan_rows, scan_cols); NaN where no frame arrived");
            json.WriteString("received", "received.npy: true where the position's frame arrived (scan_rows, scan_cols); H.npy is NaN elsewhere");
            json.WriteStartObject("shape");
            json.WriteNumber("scan_rows", projection.ScanRows);
            json.WriteNumber("scan_cols", projection.ScanCols);
            json.WriteNumber("det_rows", model.Pixels.DetRows);
            json.WriteNumber("det_cols", model.Pixels.DetCols);
            json.WriteNumber("kept_pixels", model.Pixels.KeptCount);
            json.WriteEndObject();
            LiveStatus s = feed.Status;
            json.WriteStartObject("stream");
            json.WriteString("source", source);
            json.WriteString("frames", frames);
            json.WriteNumber("frames_announced", s.Announced);
            json.WriteNumber("frames_received", s.Received);
            json.WriteNumber("frames_lost_in_stream", s.Lost);
            json.WriteNumber("positions_without_frame", feed.Missing);
            json.WriteNumber("bytes_received", s.Bytes);
            json.WriteNumber("seconds", s.Seconds);
            json.WriteNumber("sustained_frames_per_second", s.FramesPerSecond);
            json.WriteNumber("sustained_mib_per_second", s.MiBPerSecond);
            json.WriteStartObject("latency_ms");
            json.WriteString("what", "from a frame's last byte received to its map value");
            json.WriteNumber("p50", feed.Latency.Percentile(0.5) * 1e3);
            json.WriteNumber("p90", feed.Latency.Percentile(0.9) * 1e3);
            json.WriteNumber("p99", feed.Latency.Percentile(0.99) * 1e3);
            json.WriteNumber("max", feed.Latency.MaxSeconds * 1e3);
            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteEndObject();
        }

        File.WriteAllBytes(path, stream.ToArray());
    }
}
