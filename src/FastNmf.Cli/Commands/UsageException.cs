namespace FastNmf.Cli.Commands;

/// <summary>A command-line usage error detected after parsing (conflicting or incomplete options).</summary>
internal sealed class UsageException(string message) : Exception(message);
