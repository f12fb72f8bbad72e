using FastNmf.Data;
using FastNmf.Hdf5.Filters;
using FastNmf.IO;
using PureHDF;
using PureHDF.VOL.Native;

namespace FastNmf.Hdf5.Results;

/// <summary>
/// <c>results.h5</c>: a factorization in one HDF5 file that h5py, HDFView or DigitalMicrograph's HDF5 import open.
/// <list type="bullet">
/// <item><c>/W</c> (k, det_rows, det_cols) float32: the diffractions, unit L1 norm over unmasked pixels;
/// <c>/H</c> (k, scan_rows, scan_cols) float32: the maps, in counts; <c>/mask</c> (det_rows, det_cols) uint8, 1 = masked.</item>
/// <item><c>/history/mse</c>, <c>/history/delta_w</c>, <c>/history/delta_h</c> float64: the kept restart, per iteration.</item>
/// <item><c>/restarts/final_mse</c>, <c>iterations</c>, <c>seed</c>, <c>ridge_solves</c>, <c>max_ridge</c>, <c>reseeds</c>: one entry per restart.</item>
/// <item>Root attributes: every parameter (method, constraints, kernel, iterations, restarts, seed, tolerance, backend,
/// kernels, storage, threads, components, FastNmf version) and the outcome (chosen restart, final MSE, wall time).</item>
/// <item><c>/input</c> attributes: the input's path, format, shape and dtype; <c>/input/metadata</c> attributes: what its reader recorded.</item>
/// </list>
/// </summary>
public static class ResultsFile
{
    /// <summary>Writes <paramref name="result"/> to <paramref name="path"/> (created; an existing file is replaced, so
    /// callers write into a staging directory).</summary>
    /// <param name="path">The file to write.</param>
    /// <param name="result">The factorization.</param>
    /// <param name="mask">The detector mask the run used, or null for none.</param>
    /// <param name="input">Where the data came from, or null (simulated data).</param>
    public static void Write(string path, NmfResult result, DetectorMask? mask, ResultsProvenance? input)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(result);
        int k = result.Components;
        var maskBytes = new byte[result.DetRows * result.DetCols];
        if (mask is not null)
        {
            for (int i = 0; i < maskBytes.Length; i++)
            {
                maskBytes[i] = mask.Masked[i] ? (byte)1 : (byte)0;
            }
        }

        var file = new H5File
        {
            ["W"] = new H5Dataset(result.W, fileDims: [(ulong)k, (ulong)result.DetRows, (ulong)result.DetCols]),
            ["H"] = new H5Dataset(result.H, fileDims: [(ulong)k, (ulong)result.ScanRows, (ulong)result.ScanCols]),
            ["mask"] = new H5Dataset(maskBytes, fileDims: [(ulong)result.DetRows, (ulong)result.DetCols]),
            ["history"] = new H5Group
            {
                ["mse"] = result.History.Mse,
                ["delta_w"] = result.History.DeltaW,
                ["delta_h"] = result.History.DeltaH,
            },
            ["restarts"] = new H5Group
            {
                ["final_mse"] = result.Restarts.Select(r => r.FinalMse).ToArray(),
                ["iterations"] = result.Restarts.Select(r => r.Iterations).ToArray(),
                ["seed"] = result.Restarts.Select(r => r.Seed).ToArray(),
                ["ridge_solves"] = result.Restarts.Select(r => r.RidgeSolves).ToArray(),
                ["max_ridge"] = result.Restarts.Select(r => r.MaxRidge).ToArray(),
                ["reseeds"] = result.Restarts.Select(r => r.Reseeds).ToArray(),
                ["pruned"] = result.Restarts.Select(r => r.Pruned ? (byte)1 : (byte)0).ToArray(),
            },
            Attributes = Parameters(result),
        };
        if (input is not null)
        {
            file["input"] = new H5Group
            {
                Attributes = new()
                {
                    ["path"] = input.Path,
                    ["format"] = input.Format,
                    ["shape"] = input.Shape,
                    ["dtype"] = input.Dtype,
                },
                ["metadata"] = new H5Group { Attributes = input.Metadata.ToDictionary(p => p.Key, p => (object)p.Value) },
            };
        }

        file.Write(path);
    }

    /// <summary>Writes only the factors: <c>/W</c> and <c>/H</c> as (k, rows, cols) float32, and the attribute <c>source</c>.</summary>
    public static void WriteFactors(string path, float[] w, int[] wShape, float[] h, int[] hShape, string source)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(wShape);
        ArgumentNullException.ThrowIfNull(hShape);
        var file = new H5File
        {
            ["W"] = new H5Dataset(w, fileDims: wShape.Select(d => (ulong)d).ToArray()),
            ["H"] = new H5Dataset(h, fileDims: hShape.Select(d => (ulong)d).ToArray()),
            Attributes = new() { ["source"] = source, ["fastnmf_version"] = typeof(Factorizer).Assembly.GetName().Version?.ToString() ?? "0" },
        };
        file.Write(path);
    }

    /// <summary>Reads the factors back: W (k, det_rows, det_cols), H (k, scan_rows, scan_cols), and their shapes.</summary>
    /// <exception cref="DataFormatException">the file is not a readable results.h5.</exception>
    public static (float[] W, float[] H, int[] WShape, int[] HShape) Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new DataFormatException(path, null, "file not found.");
        }

        Hdf5Filters.EnsureRegistered();
        using NativeFile file = Hdf5Guard.Run(path, "superblock", () => H5File.OpenRead(path));
        (float[] w, int[] ws) = ReadStack(path, file, "W");
        (float[] h, int[] hs) = ReadStack(path, file, "H");
        if (ws[0] != hs[0])
        {
            throw new DataFormatException(path, null, $"/W holds {ws[0]} components and /H {hs[0]}.");
        }

        return (w, h, ws, hs);
    }

    /// <summary>Reads the detector mask <c>/mask</c> a run used: null when the file has none (or it masks nothing).</summary>
    /// <exception cref="DataFormatException">the file is not a readable HDF5 file, or <c>/mask</c> is not a 2-D uint8 image.</exception>
    public static DetectorMask? ReadMask(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new DataFormatException(path, null, "file not found.");
        }

        Hdf5Filters.EnsureRegistered();
        using NativeFile file = Hdf5Guard.Run(path, "superblock", () => H5File.OpenRead(path));
        return Hdf5Guard.Run(path, "dataset /mask", () =>
        {
            if (!file.LinkExists("mask"))
            {
                return null;
            }

            if (file.Get("mask") is not NativeDataset ds || ds.Space.Dimensions is not [ulong rows and > 0 and <= 1 << 16, ulong cols and > 0 and <= 1 << 16]
                || ds.Type.Class != H5DataTypeClass.FixedPoint || ds.Type.Size != 1)
            {
                throw new DataFormatException(path, null, "/mask is not a 2-D uint8 image (det_rows, det_cols).");
            }

            bool[] masked = ds.Read<byte[]>().Select(b => b != 0).ToArray();
            return masked.Contains(true) ? new DetectorMask(masked, (int)rows, (int)cols) : null;
        });
    }

    /// <summary>The fitted model a results.h5 holds: /W, /mask, and the map constraint and kernel of its root
    /// attributes (constraint_h, map_kernel_weights) and the pattern centre (polar_centre_row/col, else the detector's).</summary>
    /// <exception cref="DataFormatException">the file is not a readable results.h5 (the message says what is missing).</exception>
    public static NmfModel ReadModel(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new DataFormatException(path, null, "file not found.");
        }

        Hdf5Filters.EnsureRegistered();
        DetectorMask? mask = ReadMask(path);
        using NativeFile file = Hdf5Guard.Run(path, "superblock", () => H5File.OpenRead(path));
        (float[] w, int[] ws) = ReadStack(path, file, "W");
        (string constraint, float[]? weights, double? centreRow, double? centreCol) = Hdf5Guard.Run(path, "root attributes", () => (
            file.AttributeExists("constraint_h") ? file.Attribute("constraint_h").Read<string>() : "NonNegative",
            file.AttributeExists("map_kernel_weights") ? file.Attribute("map_kernel_weights").Read<float[]>() : null,
            file.AttributeExists("polar_centre_row") ? file.Attribute("polar_centre_row").Read<double>() : (double?)null,
            file.AttributeExists("polar_centre_col") ? file.Attribute("polar_centre_col").Read<double>() : (double?)null));
        MapConstraint map = constraint.StartsWith("Convolution", StringComparison.Ordinal) ? MapConstraint.Convolution
            : constraint.StartsWith("None", StringComparison.Ordinal) ? MapConstraint.None
            : MapConstraint.NonNegative;
        Constraints.ConvolutionKernel? kernel = null;
        if (weights is not null)
        {
            int size = (int)Math.Round(Math.Sqrt(weights.Length));
            if (size * size != weights.Length || size % 2 == 0)
            {
                throw new DataFormatException(path, null, $"attribute map_kernel_weights holds {weights.Length} values, not an odd square kernel.");
            }

            kernel = Constraints.ConvolutionKernel.FromWeights(weights, size);
        }

        if (mask is not null && (mask.DetRows != ws[1] || mask.DetCols != ws[2]))
        {
            throw new DataFormatException(path, null, $"/mask is {mask.DetRows}×{mask.DetCols}, /W's diffractions {ws[1]}×{ws[2]}.");
        }

        PixelMap pixels = PixelMap.Create(ws[1], ws[2], mask).WithCentre(centreRow ?? ws[1] / 2.0, centreCol ?? ws[2] / 2.0);
        return NmfModel.Create(w, ws[0], pixels, map, kernel);
    }

    private static (float[] Data, int[] Shape) ReadStack(string path, NativeFile file, string name)
    {
        return Hdf5Guard.Run(path, $"dataset /{name}", () =>
        {
            if (!file.LinkExists(name) || file.Get(name) is not NativeDataset ds)
            {
                throw new DataFormatException(path, null, $"no dataset /{name}: not a FastNmf results.h5.");
            }

            ulong[] dims = ds.Space.Dimensions;
            if (dims.Length != 3 || ds.Type.Class != H5DataTypeClass.FloatingPoint || ds.Type.Size != 4 || dims.Any(d => d is 0 or > 1 << 20))
            {
                throw new DataFormatException(path, null, $"/{name} is not a 3-D float32 stack ({string.Join(", ", dims)}).");
            }

            return (ds.Read<float[]>(), dims.Select(d => (int)d).ToArray());
        });
    }

    private static Dictionary<string, object> Parameters(NmfResult r)
    {
        NmfOptions o = r.Options;
        bool constrained = o.Method == NmfMethod.Constrained;
        return new Dictionary<string, object>
        {
            ["fastnmf_version"] = typeof(Factorizer).Assembly.GetName().Version?.ToString() ?? "0",
            ["method"] = o.Method.ToString().ToLowerInvariant(),
            ["constraint_w"] = constrained ? o.DiffractionConstraint.ToString() : "NonNegative (projection)",
            ["constraint_h"] = constrained ? o.MapConstraint.ToString() : "NonNegative (projection)",
            ["map_kernel"] = o.MapKernel.Description,
            ["map_kernel_weights"] = o.MapKernel.Weights.ToArray(),
            ["phi_samples"] = o.Polar.PhiSamples,
            ["polar_centre_row"] = r.Pixels.CentreRow,
            ["polar_centre_col"] = r.Pixels.CentreCol,
            ["outlier_factor"] = o.Polar.OutlierFactor,
            ["fill_route"] = o.Polar.Route.ToString().ToLowerInvariant(),
            ["amorphous_share"] = ProtocolNames.AmorphousShare(o),
            ["components"] = r.Components,
            ["iterations"] = o.Iterations,
            ["restarts"] = o.Restarts,
            ["seed"] = o.Seed,
            ["tolerance"] = o.Tolerance ?? double.NaN,
            ["trial_iterations"] = o.TrialIterations ?? 0,
            ["restarts_kept"] = o.TrialIterations is null ? o.Restarts : o.RestartsKept,
            ["coarse_scan"] = o.CoarseScan ?? 0,
            ["fine_iterations"] = o.CoarseScan is null ? 0 : o.FineIterations,
            ["backend"] = r.Backend,
            ["kernels"] = r.Kernels,
            ["storage"] = r.Storage.ToString().ToLowerInvariant(),
            ["threads"] = r.Threads,
            ["restarts_per_pass"] = r.Batch,
            ["chosen_restart"] = r.ChosenRestart,
            ["final_mse"] = r.Mse,
            ["wall_time_s"] = r.Elapsed.TotalSeconds,
            ["w_normalisation"] = "each diffraction (row of /W) has unit L1 norm over unmasked pixels; /H is in counts",
        };
    }
}
