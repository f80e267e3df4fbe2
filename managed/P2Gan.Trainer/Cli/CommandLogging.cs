using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using P2Gan.Trainer.Commands;

namespace P2Gan.Trainer.Cli;

/// <summary>
/// Logging of the long-running commands that are no hosted service (eval, train-classifier, bench): the
/// same options (--verbosity, --log-format) and Logging section as 'train', through the same
/// Microsoft.Extensions.Logging stack, with the native library's messages routed into it. Messages go to
/// stderr: stdout carries the command's result (a table, JSON). A Generic Host would add nothing here (no
/// service runs in the background); 'train' keeps its host for the worker's lifetime and Ctrl-C.
/// </summary>
internal sealed class CommandLogging : IDisposable
{
    private readonly ILoggerFactory _factory;

    private CommandLogging(ILoggerFactory factory) => _factory = factory;

    public static CommandLogging Start(CommandArguments args)
    {
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(LoggingOptions.ConfigurationKeys(args)).Build();
        var factory = LoggerFactory.Create(logging => LoggingOptions.Configure(logging, configuration, args, toStandardError: true));
        P2GanNativeLogging.UseLogger(factory.CreateLogger("P2Gan.Native"));
        return new CommandLogging(factory);
    }

    public ILogger CreateLogger(string category) => _factory.CreateLogger(category);

    /// <summary>A progress callback (Action&lt;string&gt;) that logs each line as information.</summary>
    public Action<string> Progress(string category)
    {
        ILogger logger = CreateLogger(category);
        return line => logger.LogInformation("{Progress}", line);
    }

    public void Dispose()
    {
        // Native messages go back to stderr; disposing the factory flushes the console queue.
        P2GanNativeLogging.UseLogger(null);
        _factory.Dispose();
    }
}
