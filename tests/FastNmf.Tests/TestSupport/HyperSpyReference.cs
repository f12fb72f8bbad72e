using FastNmf.IO;

namespace FastNmf.Tests.TestSupport;

/// <summary>What HyperSpy reads from a file, as float32 (the independent reader the format tests compare with); the test
/// is ignored where python3-hyperspy is missing (fails under FASTNMF_REQUIRE_PYTHON=1, see <see cref="PythonTool"/>).</summary>
internal static class HyperSpyReference
{
    /// <summary><c>hs.load(path[, reader=...]).data</c> as float32, written through <paramref name="dir"/>.</summary>
    public static NpyArray Read(TempDirectory dir, string path, string? reader = null)
    {
        string npy = dir.PathOf("hyperspy.npy");
        PythonTool.Run(
            "import sys, numpy as np, hyperspy.api as hs\n" +
            $"s = hs.load(sys.argv[1]{(reader is null ? string.Empty : $", reader='{reader}'")})\n" +
            "np.save(sys.argv[2], np.asarray(s.data, dtype='<f4'))\n",
            ["hyperspy.api"], path, npy);
        return NpyReader.ReadFloat32(npy);
    }
}
