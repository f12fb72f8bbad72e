using FastNmf.IO;
using FastNmf.Native.Abi;
using FastNmf.Native.Errors;
using NUnit.Framework;

namespace FastNmf.Tests.Native;

public sealed class ErrorBoundaryTests
{
    private static IEnumerable<TestCaseData> Cases()
    {
        yield return new TestCaseData(new CApiException(Status.BadLayout, "x"), (int)Status.BadLayout);
        yield return new TestCaseData(new OperationCanceledException(), (int)Status.Cancelled);
        yield return new TestCaseData(new InsufficientMemoryException("X: cannot allocate"), (int)Status.OutOfMemory);
        yield return new TestCaseData(new OutOfMemoryException(), (int)Status.OutOfMemory);
        yield return new TestCaseData(new InvalidDataException("bad"), (int)Status.BadData);
        yield return new TestCaseData(new DataFormatException("data", null, "element (0, 0, 0, 0) is NaN"), (int)Status.BadData);
        yield return new TestCaseData(new BackendUnavailableException("mkl is not available"), (int)Status.BackendUnavailable);
        yield return new TestCaseData(new OverflowException(), (int)Status.InvalidArgument);
        yield return new TestCaseData(new ArithmeticException("numerical breakdown"), (int)Status.NumericalFailure);
        yield return new TestCaseData(new ArgumentOutOfRangeException("Components", 9, "components must satisfy 1 ≤ k"), (int)Status.InvalidArgument);
        yield return new TestCaseData(new InvalidOperationException("boom"), (int)Status.Internal);
        yield return new TestCaseData(new NullReferenceException(), (int)Status.Internal);
    }

    [TestCaseSource(nameof(Cases))]
    public void Classify_Exception_MapsToItsStatus(Exception e, int expected) =>
        Assert.That((int)ErrorBoundary.Classify(e).Status, Is.EqualTo(expected));

    [Test]
    public void Classify_ArgumentOutOfRange_KeepsOneLine()
    {
        (_, string message) = ErrorBoundary.Classify(new ArgumentOutOfRangeException("Components", 9, "components must satisfy 1 ≤ k < 4."));
        Assert.That(message, Does.StartWith("components must satisfy").And.Not.Contain("\n").And.Not.Contain("Actual value"));
    }

    [Test]
    public void Classify_UnexpectedException_NamesItsType()
    {
        (_, string message) = ErrorBoundary.Classify(new InvalidOperationException("boom"));
        Assert.That(message, Is.EqualTo("InvalidOperationException: boom"));
    }
}
