"""The ABI's statuses as Python exceptions, each carrying the library's one-line message."""


class FastNmfError(Exception):
    """A call into libfastnmf failed; ``status`` is the ABI's status name (e.g. ``"BAD_DATA"``)."""

    def __init__(self, message, status="INTERNAL"):
        super().__init__(message)
        self.status = status


class FastNmfValueError(FastNmfError, ValueError):
    """Bad input: an argument out of range, a layout, or a value that is NaN, infinity or negative."""


class FastNmfCancelled(FastNmfError):
    """The run was cancelled (KeyboardInterrupt during a fit): no result was kept."""


class FastNmfNumericalError(FastNmfError, ArithmeticError):
    """The iteration produced a non-finite value (degenerate data)."""


class FastNmfMemoryError(FastNmfError, MemoryError):
    """X or a workspace could not be allocated."""


class FastNmfBackendError(FastNmfError, RuntimeError):
    """OpenBLAS, MKL or an MPI library was asked for and cannot be loaded here (the message says why)."""


class NotFittedError(ValueError, AttributeError):
    """The estimator is used before ``fit`` (scikit-learn's convention: both a ValueError and an AttributeError)."""


_BY_STATUS = {
    "NULL_POINTER": FastNmfValueError, "BAD_STRUCT_SIZE": FastNmfError, "INVALID_HANDLE": FastNmfError,
    "INVALID_ARGUMENT": FastNmfValueError, "BAD_LAYOUT": FastNmfValueError, "BAD_DATA": FastNmfValueError,
    "NO_RESULT": FastNmfError, "BUFFER_TOO_SMALL": FastNmfError, "CANCELLED": FastNmfCancelled,
    "NUMERICAL_FAILURE": FastNmfNumericalError, "OUT_OF_MEMORY": FastNmfMemoryError, "BUSY": FastNmfError,
    "BACKEND_UNAVAILABLE": FastNmfBackendError, "INTERNAL": FastNmfError,
}


def error_for(status_name, message):
    """The exception for a failed call's status and message."""
    return _BY_STATUS.get(status_name, FastNmfError)(message, status_name)
