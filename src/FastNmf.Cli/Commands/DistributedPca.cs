using System.CommandLine;
using FastNmf.Analysis;
using FastNmf.Cli.Output;
using FastNmf.Data;
using FastNmf.Distributed;
using FastNmf.Distributed.Mpi;
using FastNmf.IO;
using FastNmf.IO.Preprocessing;

namespace FastNmf.Cli.Commands;

/// <summary><c>pca … --distributed</c>: every rank reads its slab of scan rows, the masks from the data are combined over
/// the ranks, the spectrum is the randomised one in pixel space (its basis and every reduction the same on all ranks),
/// and rank 0 prints and writes it.</summary>
internal static class DistributedPca
{
    public static int Run(ParseResult p, PcaArguments a, MpiCommunicator comm)
    {
        bool root = comm.Rank == 0;
        Collective.AgreeOnArguments(comm, Environment.GetCommandLineArgs().Skip(1).ToArray());
        DistributedRun.Agreed(comm, () =>
        {
            a.Check(p);
            if (p.GetValue(a.Method) == "gram")
            {
                throw new UsageException("--pca-method gram forms the Gram matrix of the whole scan in one process; a distributed PCA is the randomised one (--pca-method randomized or auto).");
            }

            return 0;
        });
        using OutputDirectory? dir = DistributedRun.Agreed(comm, () => root && p.GetValue(a.Output) is { } outDir ? OutputDirectory.Begin(outDir) : null);
        (FrameSource opened, FrameSource raw) = DistributedRun.Agreed(comm, () => InputPipeline.Open(p.GetValue(a.Input)!, a.Reading, p));
        using FrameSource source = opened;
        int k = p.GetValue(a.MaxComponents);
        (ScanSlab slab, FrameSource slabSource) = DistributedRun.Agreed(comm, () =>
        {
            PcaArguments.CheckMaxComponents(k, source.FrameLength, source.FrameCount);
            ScanSlab s = ScanSlab.ForRank(source.ScanRows, source.ScanCols, comm.Rank, comm.Size);
            return (s, (FrameSource)new CroppedFrameSource(source, new CropWindow(s.FirstRow, 0, s.Rows, source.ScanCols), null));
        });
        using FrameSource slabFrames = slabSource;
        bool clipNegative = p.GetValue(a.Clip);
        (DetectorMask? mask, _) = MaskAssembly.Build(p, a.Reading, a.Solver, slabFrames, raw, clipNegative, comm);
        UnfoldedData x = DistributedRun.Agreed(comm, () =>
        {
            (UnfoldedData read, _) = InputLoader.Unfold(slabFrames, mask, clipNegative, slab: slab);
            try
            {
                PcaArguments.CheckMaxComponents(k, read.NUv, read.Slab.TotalFrames);
                return read;
            }
            catch
            {
                read.Dispose();
                throw;
            }
        });
        using UnfoldedData unfolded = x;
        PcaSpectrum spectrum = PcaWithStatus.Run(x, k, a.Options(p), comm);
        DistributedRun.Agreed(comm, () =>
        {
            if (root)
            {
                Console.WriteLine($"distributed: {comm.Size} rank(s), {comm.Library}");
                PcaCommand.Write(p, a, spectrum, Path.GetFullPath(source.Path), x.NUv, x.Slab.TotalFrames, dir);
            }

            return 0;
        });
        return 0;
    }
}
