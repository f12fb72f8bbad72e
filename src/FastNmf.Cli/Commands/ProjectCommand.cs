using System.CommandLine;
using System.Diagnostics;
using FastNmf.Cli.Output;
using FastNmf.Data;
using FastNmf.Hdf5.Results;
using FastNmf.IO;

namespace FastNmf.Cli.Commands;

/// <summary><c>fastnmf project MODEL_DIR INPUT --out DIR</c>: the maps of new data on a fitted W, and what W does not explain.</summary>
internal static class ProjectCommand
{
    public static Command Create()
    {
        var model = new Argument<string>("model") { Description = "A fastnmf factorize output directory (results.h5, or W.npy + summary.json)." };
        var input = new Argument<string>("input") { Description = "4D-STEM data in any input format; its detector (after --crop-detector/--bin-detector) must be the model's." };
        var output = new Option<string>("--out") { Description = "Output directory (must not exist or be empty).", Required = true };
        var mapConstraint = new Option<string>("--map-constraint")
        {
            Description = "model: apply the model's map constraint over the whole maps ([·]_H: its kernel, then [·]₊); none: [(WᵀW)⁻¹Wᵀx]₊ alone.",
            DefaultValueFactory = _ => "model",
        };
        var threads = new Option<int>("--threads") { Description = "Worker threads (default: all cores).", DefaultValueFactory = _ => Environment.ProcessorCount };
        var clip = new Option<bool>("--clip-negative") { Description = "Set negative values to 0 (and report how many) instead of rejecting the file." };
        var distributed = new Option<bool>("--distributed") { Description = "Run as one rank of an MPI job: each rank reads and projects its slab of scan rows, rank 0 writes the outputs." };
        var reading = new InputOptionSet();
        var command = new Command("project", "Project data onto a fitted model: H = [(WᵀW)⁻¹WᵀX]₊ (then the model's [·]_H over whole maps) and the residual ‖x − Wh‖² per frame.")
        {
            model, input, output, mapConstraint, threads, clip, distributed,
        };
        reading.AddTo(command, withDryRun: false);
        command.SetAction(p => p.GetValue(distributed)
            ? DistributedRun.Execute(comm => DistributedProject.Run(p, new ProjectArguments(model, input, output, mapConstraint, threads, clip, reading), comm))
            : CliErrors.Run(() =>
        {
            string constraint = p.GetValue(mapConstraint)!;
            if (constraint is not ("model" or "none"))
            {
                throw new UsageException($"--map-constraint {constraint}: use model or none.");
            }

            if (reading.AnyMask(p))
            {
                throw new UsageException("project uses the model's own mask; --mask, --mask-direct-beam and --mask-dead-hot do not apply.");
            }

            int threadCount = p.GetValue(threads);
            if (threadCount < 1)
            {
                throw new UsageException($"--threads {threadCount}: at least 1.");
            }

            string modelDir = p.GetValue(model)!;
            NmfModel m = ModelLoader.Load(modelDir, "MODEL_DIR");
            if (constraint == "none")
            {
                m = m.WithMapConstraint(MapConstraint.NonNegative);
            }

            using OutputDirectory dir = OutputDirectory.Begin(p.GetValue(output)!);
            (FrameSource opened, _) = InputPipeline.Open(p.GetValue(input)!, reading, p);
            using FrameSource source = opened;
            if (source.DetRows != m.Pixels.DetRows || source.DetCols != m.Pixels.DetCols)
            {
                throw new DataFormatException(source.Path, null,
                    $"its detector is {source.DetRows}×{source.DetCols} (after crop/bin), the model's {m.Pixels.DetRows}×{m.Pixels.DetCols}: crop or bin the input as the model's data were.");
            }

            var clock = Stopwatch.StartNew();
            // Counted electrons are held as uint16 (2 bytes per value), anything else as float32.
            (UnfoldedData x, InputInfo info) = InputLoader.Unfold(source, m.Pixels.ToMask(), p.GetValue(clip), auto: true);
            using UnfoldedData unfolded = x;
            Projection projection = m.Project(x, threadCount);
            clock.Stop();
            int k = m.Components;
            NpyWriter.Write(dir.File("H.npy"), projection.H, [k, x.ScanRows, x.ScanCols]);
            NpyWriter.Write(dir.File("residual.npy"), projection.MeanSquaredResidual(), [x.ScanRows, x.ScanCols]);
            ProjectionFile.Write(dir.File("results.h5"), m, projection, Path.GetFullPath(modelDir), clock.Elapsed, info.Provenance);
            ProjectionSummary.Write(dir.File("summary.json"), m, projection, Path.GetFullPath(modelDir), info, clock.Elapsed);
            dir.Commit();
            Console.WriteLine($"projected {x.NXy} frames onto k = {k} in {clock.Elapsed.TotalSeconds:F2} s ({x.NXy / Math.Max(1e-9, clock.Elapsed.TotalSeconds):F0} frames/s incl. reading); " +
                $"MSE {projection.Mse:F6}; map constraint {(projection.MapConstraintApplied ? "[·]_H" : "[·]₊")}");
            Console.WriteLine($"wrote {dir.Final}: H.npy, residual.npy, results.h5, summary.json");
            return 0;
        }));
        return command;
    }
}
