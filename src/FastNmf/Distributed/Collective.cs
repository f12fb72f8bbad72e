using System.Text;

namespace FastNmf.Distributed;

/// <summary>Decisions every rank must take together, so that one rank's problem ends the job on all of them.</summary>
internal static class Collective
{
    // Messages travel as one double per UTF-8 byte (only on failure), cut to this many bytes.
    private const int MessageBytes = 480;

    /// <summary>Throws on every rank if any rank has a <paramref name="problem"/>; every rank's exception carries the
    /// message of the highest-numbered rank that reported one, prefixed with that rank.</summary>
    /// <exception cref="ArgumentException">some rank reported a problem.</exception>
    public static void Agree(Communicator comm, string? problem)
    {
        if (comm.Size == 1)
        {
            if (problem is not null)
            {
                throw new ArgumentException(problem);
            }

            return;
        }

        Span<double> flag = [problem is null ? 0 : comm.Rank + 1];
        comm.AllreduceMax(flag);
        if (flag[0] == 0)
        {
            return;
        }

        int reporter = (int)flag[0] - 1;
        var text = new double[MessageBytes];
        if (comm.Rank == reporter)
        {
            byte[] bytes = Encoding.UTF8.GetBytes(problem!);
            for (int i = 0; i < Math.Min(bytes.Length, MessageBytes); i++)
            {
                text[i] = bytes[i];
            }
        }

        comm.AllreduceMax(text);
        byte[] message = text.TakeWhile(v => v != 0).Select(v => (byte)v).ToArray();
        throw new ArgumentException($"rank {reporter}: {Encoding.UTF8.GetString(message)}");
    }
}
