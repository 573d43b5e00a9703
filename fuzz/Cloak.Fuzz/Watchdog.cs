namespace Cloak.Fuzz;

/// <summary>
/// Wall-clock limit for a simulated run: a run that has not ended by then is a hang (the contract
/// says every run ends within its instruction budget, which takes milliseconds here). The run is
/// cancelled through its token and reported as a broken contract.
/// </summary>
public static class Watchdog
{
    /// <summary>Generous: a budgeted run takes milliseconds; a loaded CI machine may be 100 times slower.</summary>
    public static TimeSpan Limit { get; set; } = TimeSpan.FromSeconds(20);

    public static T Run<T>(Func<CancellationToken, T> run)
    {
        using var timeout = new CancellationTokenSource(Limit);
        try
        {
            var result = run(timeout.Token);
            if (timeout.IsCancellationRequested) throw Hang();
            return result;
        }
        catch (OperationCanceledException e) when (timeout.IsCancellationRequested)
        {
            throw Hang(e);
        }
    }

    private static ContractViolationException Hang(Exception? inner = null) =>
        inner is null
            ? new ContractViolationException($"the run did not end within {Limit.TotalSeconds:0} s: a hang")
            : new ContractViolationException($"the run did not end within {Limit.TotalSeconds:0} s: a hang", inner);
}
