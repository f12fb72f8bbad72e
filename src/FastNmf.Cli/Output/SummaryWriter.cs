using System.Text;
using System.Text.Json;
using FastNmf.Analysis;
using FastNmf.Cli.Commands;

namespace FastNmf.Cli.Output;

/// <summary>Writes summary.json with Utf8JsonWriter (no reflection, so it stays trimming/AOT-safe).</summary>
internal static class SummaryWriter
{
    public static void Write(string path, NmfResult result, InputInfo? input, MaskInfo mask, IReadOnlyList<ComponentMatch>? truth)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            NmfOptions o = result.Options;
            json.WriteStartObject();
            json.WriteString("fastnmf_version", typeof(Factorizer).Assembly.GetName().Version?.ToString() ?? "0");
            json.WriteString("method", o.Method.ToString().ToLowerInvariant());
            json.WriteStartObject("constraints");
            json.WriteString("w", o.Method == NmfMethod.Constrained ? o.DiffractionConstraint.ToString() : "NonNegative (projection)");
            json.WriteString("h", o.Method == NmfMethod.Constrained ? o.MapConstraint.ToString() : "NonNegative (projection)");
            json.WriteString("map_kernel", o.MapKernel.Description);
            JsonArrays.Write(json, "map_kernel_weights", o.MapKernel.Weights.ToArray().Select(v => (double)v));
            json.WriteNumber("phi_samples", o.Polar.PhiSamples);
            json.WriteNumber("outlier_factor", o.Polar.OutlierFactor);
            json.WriteString("fill_route", o.Polar.Route.ToString().ToLowerInvariant());
            json.WriteString("amorphous_share", ProtocolNames.AmorphousShare(o));
            if (o.Polar.CentreRow is { } centreRow && o.Polar.CentreCol is { } centreCol)
            {
                // Absent: the detector centre (rows / 2, cols / 2).
                json.WriteNumber("polar_centre_row", centreRow);
                json.WriteNumber("polar_centre_col", centreCol);
            }
            json.WriteEndObject();
            json.WriteString("w_normalisation", "each diffraction (column of W) has unit L1 norm over unmasked pixels; H is in counts");
            json.WriteString("backend", result.Backend);
            json.WriteString("kernels", result.Kernels);
            json.WriteString("storage", SolverOptionSet.StorageName(result.Storage));
            json.WriteNumber("restarts_per_pass", result.Batch);
            json.WriteNumber("threads", result.Threads);
            json.WriteNumber("components", result.Components);
            json.WriteNumber("seed", o.Seed);
            json.WriteNumber("iterations", o.Iterations);
            json.WriteNumber("restarts", o.Restarts);
            if (o.Tolerance is { } tol)
            {
                json.WriteNumber("tolerance", tol);
            }
            else
            {
                json.WriteNull("tolerance");
            }

            if (o.TrialIterations is { } trial)
            {
                json.WriteNumber("trial_iterations", trial);
                json.WriteNumber("restarts_kept", o.RestartsKept);
            }
            else
            {
                json.WriteNull("trial_iterations");
            }

            int totalIterations = result.Restarts.Sum(r => r.Iterations) + (result.CoarseStage?.Restarts.Sum(r => r.Iterations) ?? 0);
            json.WriteNumber("wall_time_s", result.Elapsed.TotalSeconds);
            // With a coarse stage this mixes binned and full-scan iterations: see coarse_stage for each stage's time.
            json.WriteNumber("ms_per_restart_iteration", result.Elapsed.TotalMilliseconds / Math.Max(1, totalIterations));
            if (result.CoarseStage is { } coarse)
            {
                json.WriteNumber("coarse_scan", o.CoarseScan ?? 0);
                json.WriteNumber("fine_iterations", o.FineIterations);
                json.WriteStartObject("coarse_stage");
                json.WriteNumber("scan_rows", coarse.ScanRows);
                json.WriteNumber("scan_cols", coarse.ScanCols);
                json.WriteNumber("iterations", coarse.Options.Iterations);
                json.WriteString("storage", SolverOptionSet.StorageName(coarse.Storage));
                json.WriteNumber("wall_time_s", coarse.Elapsed.TotalSeconds);
                json.WriteNumber("chosen_restart", coarse.ChosenRestart);
                json.WriteString("mse_note", "MSE of the binned X (sums of the binned positions), not comparable with final_mse");
                WriteRestarts(json, coarse.Restarts);
                json.WriteEndObject();
            }
            else
            {
                json.WriteNull("coarse_scan");
            }

            json.WriteStartObject("phase_seconds");
            foreach ((string name, TimeSpan time) in result.Phases.All)
            {
                json.WriteNumber(name, time.TotalSeconds);
            }

            json.WriteEndObject();
            if (result.Communication is { } c)
            {
                // Rank 0's: the middle ranks send twice its halo rows.
                json.WriteStartObject("communication_rank0");
                json.WriteString("communicator", result.Communicator);
                json.WriteNumber("steps", c.Steps);
                json.WriteNumber("collectives", c.Collectives);
                json.WriteNumber("reduced_bytes", c.ReducedBytes);
                json.WriteNumber("halo_bytes", c.ExchangedBytes);
                json.WriteNumber("bytes_per_step", c.BytesPerStep);
                json.WriteNumber("collective_seconds", c.Time.TotalSeconds);
                json.WriteEndObject();
            }

            json.WriteNumber("chosen_restart", result.ChosenRestart);
            json.WriteNumber("final_mse", result.Mse);
            WriteRestarts(json, result.Restarts);
            JsonArrays.Write(json, "per_restart_final_mse", result.Restarts.Select(r => r.FinalMse));
            json.WriteStartObject("history");
            JsonArrays.Write(json, "mse", result.History.Mse);
            JsonArrays.Write(json, "delta_w_l1", result.History.DeltaW);
            JsonArrays.Write(json, "delta_h_l1", result.History.DeltaH);
            json.WriteEndObject();
            json.WriteStartObject("shape");
            json.WriteNumber("scan_rows", result.ScanRows);
            json.WriteNumber("scan_cols", result.ScanCols);
            json.WriteNumber("det_rows", result.DetRows);
            json.WriteNumber("det_cols", result.DetCols);
            json.WriteEndObject();
            json.WriteStartObject("mask");
            json.WriteString("kind", mask.Kind);
            json.WriteNumber("masked_pixels", mask.MaskedPixels);
            // The masked pixels themselves (row-major detector indices), so W.npy + summary.json is a whole model.
            JsonArrays.Write(json, "masked_indices", Enumerable.Range(0, result.Pixels.DetectorPixels).Where(i => result.Pixels.Masked[i]).Select(i => (double)i));
            if (mask.Radius is { } radius)
            {
                json.WriteNumber("radius", radius);
                json.WriteNumber("centre_row", mask.CentreRow);
                json.WriteNumber("centre_col", mask.CentreCol);
            }

            json.WriteEndObject();
            if (input is not null)
            {
                json.WriteStartObject("input");
                json.WriteString("path", input.Path);
                json.WriteString("dtype", input.Dtype);
                json.WriteBoolean("fortran_order", input.FortranOrder);
                json.WriteNumber("negative_values_clipped", input.Clipped);
                json.WriteEndObject();
            }

            if (truth is not null)
            {
                json.WriteStartArray("truth_comparison");
                foreach (ComponentMatch m in truth)
                {
                    json.WriteStartObject();
                    json.WriteString("component", m.Name);
                    json.WriteNumber("matched_index", m.Found);
                    json.WriteNumber("diffraction_cosine", m.DiffractionCosine);
                    if (double.IsNaN(m.ClearedCosine))
                    {
                        json.WriteNull("diffraction_cosine_amorphous_cleared");
                    }
                    else
                    {
                        json.WriteNumber("diffraction_cosine_amorphous_cleared", m.ClearedCosine);
                    }

                    json.WriteNumber("map_pearson", m.MapPearson);
                    json.WriteEndObject();
                }

                json.WriteEndArray();
            }

            json.WriteEndObject();
        }

        File.WriteAllText(path, Encoding.UTF8.GetString(stream.ToArray()) + "\n");
    }

    private static void WriteRestarts(Utf8JsonWriter json, IEnumerable<RestartSummary> restarts)
    {
        json.WriteStartArray("restarts_detail");
        foreach (RestartSummary r in restarts)
        {
            json.WriteStartObject();
            json.WriteNumber("index", r.Index);
            json.WriteNumber("seed", r.Seed);
            json.WriteNumber("final_mse", r.FinalMse);
            json.WriteNumber("iterations", r.Iterations);
            json.WriteNumber("ridge_solves", r.RidgeSolves);
            json.WriteNumber("max_ridge", r.MaxRidge);
            json.WriteNumber("reseeded_components", r.Reseeds);
            json.WriteBoolean("pruned", r.Pruned);
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }
}
