namespace Tributary.MskConnect.Workers;

/// <summary>
/// How to start a Connect worker process: the program and the arguments before <c>connect-distributed
/// worker.properties</c> (the host passes its own executable, or <c>dotnet</c> and its own dll).
/// </summary>
public sealed record WorkerLauncher(string FileName, IReadOnlyList<string> LeadingArguments);
