using System.Security.Cryptography;
using System.Text;

namespace FastNmf.Distributed;

/// <summary>
/// Decisions every rank takes together, so that one rank's problem ends the job on all of them with the same error
/// instead of leaving the others waiting in a collective.
/// </summary>
public static class Collective
{
    // Messages travel as one double per UTF-8 byte (only on failure), cut to this many bytes.
    private const int MessageBytes = 480;

    /// <summary>Throws on every rank if any rank has a <paramref name="problem"/> (its message, from the
    /// highest-numbered rank that reported one).</summary>
    /// <exception cref="DistributedFailureException">some rank reported a problem.</exception>
    public static void Agree(Communicator comm, string? problem) => AgreeOn(comm, problem is null ? null : new ArgumentException(problem));

    /// <summary>Throws on every rank if any rank caught <paramref name="failure"/>: a <see cref="DistributedFailureException"/>
    /// with that rank's message and exception type, so every rank ends the same way (collective).</summary>
    /// <exception cref="DistributedFailureException">some rank reported a failure.</exception>
    public static void AgreeOn(Communicator comm, Exception? failure) => AgreeOn(comm, failure, null);

    /// <summary>As <see cref="AgreeOn(Communicator, Exception?)"/>, with <paramref name="kind"/> sent as the
    /// <see cref="DistributedFailureException.OriginalType"/> instead of the exception's type name (a caller's own
    /// classification, e.g. the C ABI's status).</summary>
    /// <exception cref="DistributedFailureException">some rank reported a failure.</exception>
    public static void AgreeOn(Communicator comm, Exception? failure, string? kind)
    {
        ArgumentNullException.ThrowIfNull(comm);
        if (comm.Size == 1)
        {
            if (failure is not null)
            {
                throw new DistributedFailureException(0, failure.Message.Split('\n', 2)[0], kind ?? failure.GetType().Name, failure) { EveryRank = true };
            }

            return;
        }

        Span<double> flag = [failure is null ? 0 : comm.Rank + 1];
        comm.AllreduceMax(flag);
        if (flag[0] == 0)
        {
            return;
        }

        int reporter = (int)flag[0] - 1;
        // 1 + the message's UTF-8 bytes; the first slot counts the ranks that failed.
        var text = new double[MessageBytes + 1];
        text[0] = failure is null ? 0 : 1;
        if (comm.Rank == reporter)
        {
            byte[] bytes = Encoding.UTF8.GetBytes($"{kind ?? failure!.GetType().Name}|{failure!.Message.Split('\n', 2)[0]}");
            for (int i = 0; i < Math.Min(bytes.Length, MessageBytes); i++)
            {
                text[i + 1] = bytes[i];
            }
        }

        comm.AllreduceSum(text);
        string received = Encoding.UTF8.GetString(text.Skip(1).TakeWhile(v => v != 0).Select(v => (byte)v).ToArray());
        int bar = received.IndexOf('|', StringComparison.Ordinal);
        throw new DistributedFailureException(reporter, received[(bar + 1)..], received[..Math.Max(0, bar)], comm.Rank == reporter ? failure : null)
        {
            EveryRank = (int)text[0] == comm.Size,
        };
    }

    /// <summary>Checks that every rank was started with the same <paramref name="arguments"/> (rank 0's are broadcast
    /// as a hash): a job whose ranks got different options is refused before any work.</summary>
    /// <exception cref="DistributedFailureException">the arguments of some rank differ from rank 0's.</exception>
    public static void AgreeOnArguments(Communicator comm, IReadOnlyList<string> arguments)
    {
        ArgumentNullException.ThrowIfNull(comm);
        ArgumentNullException.ThrowIfNull(arguments);
        byte[] mine = SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\0', arguments)));
        byte[] root = (byte[])mine.Clone();
        comm.Broadcast(root);
        AgreeOn(comm, mine.AsSpan().SequenceEqual(root) ? null
            : new ArgumentException($"rank {comm.Rank} was started with other options than rank 0 ({string.Join(' ', arguments)}); every rank of a distributed run needs the same command line."));
    }
}
