using FastNmf.IO;

namespace FastNmf.Cli.Output;

/// <summary>
/// <c>restart-history.npy</c>: every restart's monitoring values, float64 (restarts, 3, iterations) — [r, 0, i] MSE,
/// [r, 1, i] ‖ΔW‖₁, [r, 2, i] ‖ΔH‖₁ after iteration i + 1 — NaN after a restart's last iteration (early stop). The
/// report's spread over restarts is drawn from it, also when <c>analyze</c> reads a directory later.
/// </summary>
internal static class RestartHistoryFile
{
    public const string Name = "restart-history.npy";

    public static void Write(string path, IReadOnlyList<IterationHistory> restarts)
    {
        int length = restarts.Count == 0 ? 0 : restarts.Max(h => h.Count);
        var data = new double[restarts.Count * 3 * length];
        Array.Fill(data, double.NaN);
        for (int r = 0; r < restarts.Count; r++)
        {
            IterationHistory h = restarts[r];
            h.Mse.CopyTo(data, ((r * 3) + 0) * length);
            h.DeltaW.CopyTo(data, ((r * 3) + 1) * length);
            h.DeltaH.CopyTo(data, ((r * 3) + 2) * length);
        }

        NpyWriter.Write(path, data, [restarts.Count, 3, length]);
    }

    /// <summary>Reads the file back as one history per restart (trailing NaN dropped).</summary>
    /// <exception cref="DataFormatException">not a (restarts, 3, iterations) array.</exception>
    public static IReadOnlyList<Report.RunHistory> Read(string path)
    {
        NpyArray a = NpyReader.ReadFloat32(path);
        if (a.Shape.Length != 3 || a.Shape[1] != 3)
        {
            throw new DataFormatException(path, null, $"expected shape (restarts, 3, iterations), got ({string.Join(", ", a.Shape)}).");
        }

        int restarts = (int)a.Shape[0];
        int length = (int)a.Shape[2];
        var histories = new List<Report.RunHistory>(restarts);
        for (int r = 0; r < restarts; r++)
        {
            double[] Series(int q)
            {
                ReadOnlySpan<float> s = a.Data.AsSpan(((r * 3) + q) * length, length);
                int n = s.Length;
                while (n > 0 && float.IsNaN(s[n - 1]))
                {
                    n--;
                }

                return s[..n].ToArray().Select(v => (double)v).ToArray();
            }

            histories.Add(new Report.RunHistory(Series(0), Series(1), Series(2)));
        }

        return histories;
    }
}
