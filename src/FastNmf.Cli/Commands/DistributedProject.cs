using System.CommandLine;
using System.Diagnostics;
using FastNmf.Cli.Output;
using FastNmf.Data;
using FastNmf.Distributed;
using FastNmf.Distributed.Mpi;
using FastNmf.Hdf5.Results;
using FastNmf.IO;
using FastNmf.IO.Preprocessing;

namespace FastNmf.Cli.Commands;

/// <summary><c>project … --distributed</c>: every rank reads and projects its slab of scan rows ([·]_H reads the
/// neighbours' edge rows), rank 0 gathers the maps and residuals and writes the outputs.</summary>
internal static class DistributedProject
{
    public static int Run(ParseResult p, ProjectArguments a, MpiCommunicator comm)
    {
        bool root = comm.Rank == 0;
        Collective.AgreeOnArguments(comm, Environment.GetCommandLineArgs().Skip(1).ToArray());
        string constraint = p.GetValue(a.MapConstraint)!;
        string modelDir = p.GetValue(a.Model)!;
        NmfModel model = DistributedRun.Agreed(comm, () =>
        {
            if (constraint is not ("model" or "none"))
            {
                throw new UsageException($"--map-constraint {constraint}: use model or none.");
            }

            if (a.Reading.AnyMask(p))
            {
                throw new UsageException("project uses the model's own mask; --mask, --mask-direct-beam and --mask-dead-hot do not apply.");
            }

            NmfModel loaded = ModelLoader.Load(modelDir, "MODEL_DIR");
            return constraint == "none" ? loaded.WithMapConstraint(MapConstraint.NonNegative) : loaded;
        });
        using OutputDirectory? dir = DistributedRun.Agreed(comm, () => root ? OutputDirectory.Begin(p.GetValue(a.Output)!) : null);
        (FrameSource opened, _) = DistributedRun.Agreed(comm, () => InputPipeline.Open(p.GetValue(a.Input)!, a.Reading, p));
        using FrameSource source = opened;
        (ScanSlab slab, FrameSource slabSource) = DistributedRun.Agreed(comm, () =>
        {
            if (source.DetRows != model.Pixels.DetRows || source.DetCols != model.Pixels.DetCols)
            {
                throw new DataFormatException(source.Path, null,
                    $"its detector is {source.DetRows}×{source.DetCols} (after crop/bin), the model's {model.Pixels.DetRows}×{model.Pixels.DetCols}: crop or bin the input as the model's data were.");
            }

            ScanSlab s = ScanSlab.ForRank(source.ScanRows, source.ScanCols, comm.Rank, comm.Size);
            return (s, (FrameSource)new CroppedFrameSource(source, new CropWindow(s.FirstRow, 0, s.Rows, source.ScanCols), null));
        });
        using FrameSource slabFrames = slabSource;
        var clock = Stopwatch.StartNew();
        (UnfoldedData read, _) = DistributedRun.Agreed(comm, () => InputLoader.Unfold(slabFrames, model.Pixels.ToMask(), p.GetValue(a.Clip), auto: true, slab: slab));
        using UnfoldedData x = DistributedRun.SameReadMode(comm, read, () => InputLoader.Unfold(slabFrames, model.Pixels.ToMask(), p.GetValue(a.Clip), slab: slab).X);
        Projection? whole = model.Project(x, p.GetValue(a.Threads), comm).GatherToRoot(comm, slab);
        double[] clipped = [x.ClippedValues];
        comm.AllreduceSum(clipped);
        clock.Stop();
        DistributedRun.Agreed(comm, () =>
        {
            if (!root)
            {
                return 0;
            }

            int k = model.Components;
            bool fortran = source.Metadata.TryGetValue("fortran_order", out string? f) && f == "true";
            var info = new InputInfo(Path.GetFullPath(source.Path), source.Shape, source.SourceDtype, fortran, (long)clipped[0], ResultsProvenance.From(source));
            NpyWriter.Write(dir!.File("H.npy"), whole!.H, [k, source.ScanRows, source.ScanCols]);
            NpyWriter.Write(dir.File("residual.npy"), whole.MeanSquaredResidual(), [source.ScanRows, source.ScanCols]);
            ProjectionFile.Write(dir.File("results.h5"), model, whole, Path.GetFullPath(modelDir), clock.Elapsed, info.Provenance);
            ProjectionSummary.Write(dir.File("summary.json"), model, whole, Path.GetFullPath(modelDir), info, clock.Elapsed);
            dir.Commit();
            Console.WriteLine($"projected {source.FrameCount} frames on {comm.Size} rank(s) onto k = {k} in {clock.Elapsed.TotalSeconds:F2} s; MSE {whole.Mse:F6}");
            Console.WriteLine($"wrote {dir.Final}: H.npy, residual.npy, results.h5, summary.json");
            return 0;
        });
        return 0;
    }
}
