namespace FastNmf.Cli.Report;

/// <summary>
/// Amplitude of the 2-D discrete Fourier transform of a map, |F(f_r, f_c)| with
/// F = Σ_r Σ_c (m[r, c] − mean) e^{−2πi (f_r r / rows + f_c c / cols)}, centred so that zero frequency sits at
/// (rows / 2, cols / 2) (NumPy's <c>fftshift</c>). The mean is removed first: the DC term would otherwise set the
/// colour scale and hide everything else. Computed as two passes of 1-D DFTs (rows, then columns) in double — exact
/// for any size, O(rows·cols·(rows + cols)), a few milliseconds for a 256×256 map; maps need no FFT.
/// </summary>
internal static class MapSpectrum
{
    /// <summary>The centred amplitude spectrum of one <paramref name="rows"/> × <paramref name="cols"/> map.</summary>
    public static float[] Amplitude(ReadOnlySpan<float> map, int rows, int cols)
    {
        if (rows < 1 || cols < 1 || map.Length != rows * cols)
        {
            throw new ArgumentException($"a {rows}×{cols} map has {rows * cols} values, got {map.Length}.", nameof(map));
        }

        double mean = 0;
        foreach (float v in map)
        {
            mean += v;
        }

        mean /= map.Length;
        var re = new double[rows * cols];
        var im = new double[rows * cols];
        (double[] cosC, double[] sinC) = Twiddles(cols);
        (double[] cosR, double[] sinR) = Twiddles(rows);

        // Pass 1: DFT along each row (over c), real input.
        for (int r = 0; r < rows; r++)
        {
            for (int fc = 0; fc < cols; fc++)
            {
                double sr = 0, si = 0;
                for (int c = 0; c < cols; c++)
                {
                    int t = (int)((long)fc * c % cols);
                    double v = map[(r * cols) + c] - mean;
                    sr += v * cosC[t];
                    si -= v * sinC[t];
                }

                re[(r * cols) + fc] = sr;
                im[(r * cols) + fc] = si;
            }
        }

        // Pass 2: DFT along each column (over r) of the complex row spectra; write |F| at the shifted position.
        var amplitude = new float[rows * cols];
        for (int fc = 0; fc < cols; fc++)
        {
            for (int fr = 0; fr < rows; fr++)
            {
                double sr = 0, si = 0;
                for (int r = 0; r < rows; r++)
                {
                    int t = (int)((long)fr * r % rows);
                    double a = re[(r * cols) + fc];
                    double b = im[(r * cols) + fc];
                    sr += (a * cosR[t]) + (b * sinR[t]);
                    si += (b * cosR[t]) - (a * sinR[t]);
                }

                int row = (fr + (rows / 2)) % rows;
                int col = (fc + (cols / 2)) % cols;
                amplitude[(row * cols) + col] = (float)Math.Sqrt((sr * sr) + (si * si));
            }
        }

        return amplitude;
    }

    /// <summary>The centred spectra of <paramref name="count"/> maps stored one after another.</summary>
    public static float[] Amplitudes(ReadOnlySpan<float> maps, int count, int rows, int cols)
    {
        int n = rows * cols;
        var all = new float[count * n];
        for (int i = 0; i < count; i++)
        {
            Amplitude(maps.Slice(i * n, n), rows, cols).CopyTo(all, i * n);
        }

        return all;
    }

    // cos and sin of 2π t / n for t = 0..n−1; products f·x are reduced modulo n so the table is exact and shared.
    private static (double[] Cos, double[] Sin) Twiddles(int n)
    {
        var cos = new double[n];
        var sin = new double[n];
        for (int t = 0; t < n; t++)
        {
            double angle = 2 * Math.PI * t / n;
            cos[t] = Math.Cos(angle);
            sin[t] = Math.Sin(angle);
        }

        return (cos, sin);
    }
}
