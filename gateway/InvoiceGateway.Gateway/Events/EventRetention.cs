using InvoiceGateway.Gateway.Configuration;

namespace InvoiceGateway.Gateway.Events;

/// <summary>
/// Deletes events older than <c>Gateway:Events:Retention</c>, at start and then every hour (at most a tenth of the
/// retention). Every replica may do it: deleting what another replica deleted is a no-op.
/// </summary>
internal sealed partial class EventRetention(EventLog log, GatewaySettings settings, TimeProvider time, IHostApplicationLifetime lifetime, ILogger<EventRetention> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await lifetime.WhenStartedAsync(stoppingToken).ConfigureAwait(false);
        var retention = settings.Events.Retention;
        var every = retention / 10 < TimeSpan.FromHours(1) ? retention / 10 : TimeSpan.FromHours(1);
        using var timer = new PeriodicTimer(every < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : every, time);
        do
        {
            try
            {
                var deleted = await log.DeleteBeforeAsync(time.GetUtcNow() - retention, stoppingToken).ConfigureAwait(false);
                if (deleted > 0)
                {
                    LogDeleted(logger, deleted);
                }
            }
            catch (Exception ex) when (ex is System.Data.Common.DbException or TimeoutException or InvalidOperationException)
            {
                LogFailed(logger, ex);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted {Count} events past their retention")]
    private static partial void LogDeleted(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not delete events past their retention; trying again later")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
