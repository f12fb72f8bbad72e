namespace FastNmf.Analysis;

/// <summary>Rotation of a detector image about a centre, the correction the cluster averages apply.</summary>
public static class ImageRotation
{
    /// <summary>
    /// Writes <paramref name="image"/> rotated by <paramref name="degrees"/> counter-clockwise as displayed (row 0 at the
    /// top) about (<paramref name="centreRow"/>, <paramref name="centreCol"/>) into <paramref name="destination"/>:
    /// each output pixel takes the bilinear interpolation of the input at the point that rotates onto it; points
    /// outside the image contribute 0. So a feature at polar angle φ moves to φ + degrees, matching
    /// <see cref="DiffractionSimilarityResult.Rotation"/>: rotating diffraction i by <c>Rotation[i, j]</c> lines it up with j.
    /// </summary>
    /// <exception cref="ArgumentException">a span does not hold rows × cols values, the spans overlap, or the angle
    /// or centre is not finite.</exception>
    public static void Rotate(ReadOnlySpan<float> image, int rows, int cols, double degrees, double centreRow, double centreCol, Span<float> destination)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(cols, 1);
        if (image.Length != rows * cols || destination.Length != rows * cols)
        {
            throw new ArgumentException($"a {rows}×{cols} image has {rows * cols} values; got {image.Length} in and {destination.Length} out.", nameof(destination));
        }

        if (image.Overlaps(destination))
        {
            throw new ArgumentException("the destination must not overlap the image.", nameof(destination));
        }

        if (!double.IsFinite(degrees) || !double.IsFinite(centreRow) || !double.IsFinite(centreCol))
        {
            throw new ArgumentException("the angle and the centre must be finite.", nameof(degrees));
        }

        double theta = degrees * Math.PI / 180;
        double cos = Math.Cos(theta);
        double sin = Math.Sin(theta);
        for (int row = 0; row < rows; row++)
        {
            // Display coordinates: x to the right, y up.
            double y = centreRow - row;
            for (int col = 0; col < cols; col++)
            {
                double x = col - centreCol;

                // The source point is the output point rotated back by −θ.
                double sx = (x * cos) + (y * sin);
                double sy = (-x * sin) + (y * cos);
                destination[(row * cols) + col] = Sample(image, rows, cols, centreRow - sy, centreCol + sx);
            }
        }
    }

    /// <summary>Bilinear sample at a fractional (row, col); taps outside the image count as 0.</summary>
    private static float Sample(ReadOnlySpan<float> image, int rows, int cols, double row, double col)
    {
        int r0 = (int)Math.Floor(row);
        int c0 = (int)Math.Floor(col);
        if (r0 < -1 || r0 >= rows || c0 < -1 || c0 >= cols)
        {
            return 0;
        }

        double fr = row - r0;
        double fc = col - c0;
        double v = (Tap(image, rows, cols, r0, c0) * (1 - fr) * (1 - fc)) + (Tap(image, rows, cols, r0, c0 + 1) * (1 - fr) * fc)
            + (Tap(image, rows, cols, r0 + 1, c0) * fr * (1 - fc)) + (Tap(image, rows, cols, r0 + 1, c0 + 1) * fr * fc);
        return (float)v;
    }

    private static double Tap(ReadOnlySpan<float> image, int rows, int cols, int row, int col) =>
        row >= 0 && row < rows && col >= 0 && col < cols ? image[(row * cols) + col] : 0;
}
