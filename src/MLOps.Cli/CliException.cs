namespace MLOps.Cli;

/// <summary>An error the user can act on: its message is printed as is (no stack trace) and the process exits with <see cref="ExitCode"/>.</summary>
internal sealed class CliException : Exception
{
    public CliException(string message, int exitCode = ExitCodes.UsageOrInputError, Exception? innerException = null)
        : base(message, innerException)
    {
        ExitCode = exitCode;
    }

    public CliException()
        : this("error")
    {
    }

    public CliException(string message)
        : this(message, ExitCodes.UsageOrInputError)
    {
    }

    public CliException(string message, Exception? innerException)
        : this(message, ExitCodes.UsageOrInputError, innerException)
    {
    }

    public int ExitCode { get; }
}
