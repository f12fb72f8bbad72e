using FastNmf.IO;

namespace FastNmf.Hdf5;

/// <summary>
/// The boundary between PureHDF and FastNmf: PureHDF reports a malformed file with whatever exception its parser hits
/// (<see cref="Exception"/>, <see cref="EndOfStreamException"/>, <see cref="IndexOutOfRangeException"/>, …), so every
/// call into it goes through <see cref="Run{T}"/>, which turns them into one <see cref="DataFormatException"/> naming the
/// file and what was being read, with the original kept as the inner exception (<c>FASTNMF_DEBUG=1</c> prints it).
/// Out-of-memory and cancellation pass through unchanged.
/// </summary>
internal static class Hdf5Guard
{
    public static T Run<T>(string path, string what, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (Exception e) when (e is not (DataFormatException or OutOfMemoryException or OperationCanceledException))
        {
            throw new DataFormatException(path, null, $"{what}: {Describe(e)}", e);
        }
    }

    public static void Run(string path, string what, Action read) =>
        Run(path, what, () =>
        {
            read();
            return true;
        });

    // The messages along the chain ("Filter pipeline failed. bitshuffle/LZ4 chunk ..."), each once, on one line.
    internal static string Describe(Exception e)
    {
        var parts = new List<string>();
        for (Exception? x = e; x is not null && parts.Count < 4; x = x.InnerException)
        {
            string m = x.Message.Replace('\n', ' ').Replace('\r', ' ').Trim().TrimEnd('.');
            if (m.Length > 0 && !parts.Contains(m))
            {
                parts.Add(m);
            }
        }

        string kind = e.GetType() == typeof(Exception) || e is InvalidDataException ? string.Empty : $" ({e.GetType().Name})";
        return (parts.Count == 0 ? "malformed HDF5 structure" : string.Join(": ", parts)) + kind;
    }
}
