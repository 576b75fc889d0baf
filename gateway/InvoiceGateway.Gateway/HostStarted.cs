namespace InvoiceGateway.Gateway;

/// <summary>
/// Background work that no request waits for (webhook deliveries, event retention) begins once the host has started:
/// its first pass (the first database queries, compiled) would otherwise take the CPU from the start-up itself and make
/// the gateway ready later. Not the sync: its first read of each source starts at once, so that the first requests join
/// it instead of reading the sources a second time.
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
