namespace InvoiceGateway.Gateway;

/// <summary>
/// Background work (the sync, webhook deliveries, event retention) waits until the host has started: its first pass
/// (reading every source, compiling the first database queries) would otherwise take the CPU from the start-up itself
/// and make the gateway ready later, while none of it is needed to serve (a request that finds no copy reads the
/// source itself).
/// </summary>
internal static class HostStarted
{
    /// <summary>Completes once the host has started (Kestrel listens); cancelled with <paramref name="stoppingToken"/>.</summary>
    public static async Task WhenStartedAsync(this IHostApplicationLifetime lifetime, CancellationToken stoppingToken)
    {
        if (lifetime.ApplicationStarted.IsCancellationRequested)
        {
            return;
        }

        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var registration = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        await started.Task.WaitAsync(stoppingToken).ConfigureAwait(false);
    }
}
