using FastNmf.Cli.Commands;
using FastNmf.IO;
using NUnit.Framework;

namespace FastNmf.Tests.Cli;

/// <summary>Which exit code and line each kind of failure gets: the user's mistakes 2, our own broken invariants 1.</summary>
[NonParallelizable] // redirects Console.Error
public sealed class CliErrorsTests
{
    private static IEnumerable<TestCaseData> Failures()
    {
        yield return new TestCaseData(new DataFormatException("x.mib", 384, "bad pixel type 'U12'."), 2, "x.mib");
        yield return new TestCaseData(new BackendUnavailableException("mkl is not available: libmkl_rt.so not found"), 2, "mkl is not available");
        yield return new TestCaseData(new ArgumentOutOfRangeException("k", 0, "-k must be at least 1."), 2, "-k must be at least 1.");
        yield return new TestCaseData(new InsufficientMemoryException("needs 51 GiB"), 3, "needs 51 GiB");
        yield return new TestCaseData(new ArithmeticException("non-finite H"), 4, "non-finite H");
        yield return new TestCaseData(new OperationCanceledException(), 130, "cancelled");
        yield return new TestCaseData(new InvalidOperationException("sparse copy counted 3 nonzeros, the data scan 4."), 1, "internal error (InvalidOperationException)");
        yield return new TestCaseData(new NullReferenceException(), 1, "internal error (NullReferenceException)");
    }

    [TestCaseSource(nameof(Failures))]
    public void Run_Failure_OneLineWithItsExitCode(Exception failure, int code, string expected)
    {
        TextWriter original = Console.Error;
        using var error = new StringWriter();
        Console.SetError(error);
        int actual;
        try
        {
            actual = CliErrors.Run(() => throw failure);
        }
        finally
        {
            Console.SetError(original);
        }

        string[] lines = error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Multiple(() =>
        {
            Assert.That(actual, Is.EqualTo(code));
            Assert.That(lines, Has.Length.EqualTo(1), error.ToString());
            Assert.That(lines[0], Does.StartWith("fastnmf: error: ").And.Contain(expected));
        });
    }
}
