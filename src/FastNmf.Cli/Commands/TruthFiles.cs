using System.Text.Json;
using FastNmf.IO;
using FastNmf.Simulation;

namespace FastNmf.Cli.Commands;

/// <summary>Writes a simulation's ground truth: W_true.npy (k, det_rows, det_cols), H_true.npy (k, scan_rows, scan_cols), truth.json.</summary>
internal static class TruthFiles
{
    public static void Write(string dir, SimulatedTruth truth)
    {
        SimulationOptions o = truth.Options;
        Directory.CreateDirectory(dir);
        NpyWriter.Write(Path.Combine(dir, "W_true.npy"), truth.Diffractions, [truth.Components, o.DetRows, o.DetCols]);
        NpyWriter.Write(Path.Combine(dir, "H_true.npy"), truth.Maps, [truth.Components, o.ScanRows, o.ScanCols]);
        using var stream = File.Create(Path.Combine(dir, "truth.json"));
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteStartArray("components");
        foreach (string name in truth.Names)
        {
            json.WriteStringValue(name);
        }

        json.WriteEndArray();
        json.WriteNumber("scan_rows", o.ScanRows);
        json.WriteNumber("scan_cols", o.ScanCols);
        json.WriteNumber("det_rows", o.DetRows);
        json.WriteNumber("det_cols", o.DetCols);
        json.WriteNumber("dose", o.Dose);
        json.WriteNumber("seed", o.Seed);
        Output.JsonArrays.Write(json, "crystallinities", o.Crystallinities);
        json.WriteString("maps_unit", "expected electrons per scan position");
        Output.JsonArrays.Write(json, "lattices", truth.Lattices.Select(l => (double)l));
        Output.JsonArrays.Write(json, "rotations_deg", truth.Rotations);
        Output.JsonArrays.Write(json, "rotational_symmetry", truth.RotationalSymmetry.Select(n => (double)n));
        json.WriteEndObject();
    }
}
