using FastNmf.Hdf5;
using FastNmf.IO;
using FastNmf.Tests.TestSupport;
using NUnit.Framework;

namespace FastNmf.Tests.IO.Hdf5;

/// <summary>
/// Seeded truncations and byte flips of HDF5 samples: opening and reading every frame must either succeed or throw a
/// <see cref="DataFormatException"/> naming the file; never another exception, a crash or a hang.
/// </summary>
[TestFixture]
[Category("Fuzz")]
public sealed class Hdf5FuzzTests
{
    private const int Cases = 300;

    // Generous: a sample opens and reads in well under a millisecond; only a parser loop would reach it.
    private static readonly TimeSpan HangLimit = TimeSpan.FromSeconds(20);

    [TestCase("chunked_deflate", 11)]
    [TestCase("bslz4", 12)]
    [TestCase("py4dstem_legacy", 13)]
    public void OpenAndRead_TruncatedOrFlippedSample_SucceedsOrThrowsDataFormatException(string sample, int seed)
    {
        using var dir = new TempDirectory();
        RunCases(Hdf5Samples.File(sample), Cases, seed, (i, bytes) => dir.Write($"case{i}.h5", bytes), path => OpenAndReadAll(path));
    }

    [Test]
    public void OpenAndRead_TruncatedOrFlippedDectrisMaster_SucceedsOrThrowsDataFormatException()
    {
        string sample = Hdf5Samples.File("dectris_master");
        using var dir = new TempDirectory();
        RunCases(sample, Cases / 2, 14, (i, bytes) =>
        {
            // The data files stay intact beside each mutated master.
            for (int d = 1; d <= 3; d++)
            {
                File.Copy(Path.Combine(Path.GetDirectoryName(sample)!, $"dectris_data_{d:D6}.h5"), dir.PathOf($"case{i}_data_{d:D6}.h5"));
            }

            return dir.Write($"case{i}_master.h5", bytes);
        }, path => OpenAndReadAll(path, new ScanShape(3, 4)));
    }

    // Writes `cases` seeded mutations of the sample (write returns the path to open) and holds each open-and-read to the
    // contract: it finishes, and fails only with a DataFormatException naming that path; most must be rejected.
    private static void RunCases(string sample, int cases, int seed, Func<int, byte[], string> write, Func<string, Exception?> openAndRead)
    {
        byte[] original = File.ReadAllBytes(sample);
        var random = new Random(seed);
        int rejected = 0;
        for (int i = 0; i < cases; i++)
        {
            (byte[] bytes, string change) = Mutate(original, random);
            string path = write(i, bytes);
            Task<Exception?> run = Task.Run(() => openAndRead(path));
            Assert.That(run.Wait(HangLimit), Is.True, $"case {i} ({change}) did not finish within {HangLimit.TotalSeconds} s");
            Exception? e = run.Result;
            if (e is null)
            {
                continue;
            }

            Assert.That(e, Is.TypeOf<DataFormatException>(), $"case {i} ({change}): {e}");
            Assert.That(e.Message, Does.StartWith(path), $"case {i} ({change})");
            rejected++;
        }

        // The mutations must actually reach the parser: most truncations are fatal.
        Assert.That(rejected, Is.GreaterThan(cases / 4));
    }

    private static Exception? OpenAndReadAll(string path, ScanShape? scan = null)
    {
        try
        {
            using FrameSource source = scan is null ? Hdf5FrameSource.Open(path) : Hdf5Format.Open(path, new FrameSourceOptions { ScanShape = scan });

            // A flipped dimension can claim a huge data set; reading its first frames exercises the same code.
            int frames = (int)Math.Min(source.FrameCount, Math.Max(1, (1 << 20) / source.FrameLength));
            var buffer = new float[(long)frames * source.FrameLength];
            source.ReadFrames(0, frames, buffer);
            return null;
        }
        catch (Exception e)
        {
            return e;
        }
    }

    private static (byte[] Bytes, string Change) Mutate(byte[] original, Random random)
    {
        if (random.Next(3) == 0)
        {
            int length = random.Next(original.Length);
            return (original[..length], $"truncated to {length} bytes");
        }

        byte[] copy = (byte[])original.Clone();
        int flips = 1 + random.Next(4);
        var where = new List<string>();
        for (int f = 0; f < flips; f++)
        {
            int at = random.Next(copy.Length);
            byte value = (byte)random.Next(256);
            copy[at] ^= value == 0 ? (byte)1 : value;
            where.Add(at.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        return (copy, $"bytes flipped at {string.Join(", ", where)}");
    }
}
