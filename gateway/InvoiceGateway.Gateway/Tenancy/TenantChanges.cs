using InvoiceGateway.Gateway.Storage;
using Npgsql;

namespace InvoiceGateway.Gateway.Tenancy;

/// <summary>
/// Tells every replica that a tenant's connections or keys changed, so each drops what it cached at once, or that
/// events of a tenant were appended, so the feed's long polls and the webhook dispatcher look at once.
/// On PostgreSQL (shared by the replicas) through <c>NOTIFY</c>/<c>LISTEN</c> on the database they already
/// share; on SQLite (one replica) within the process. When the listening connection is lost, everything is
/// treated as changed once it is back, since notifications sent meanwhile are gone.
/// </summary>
internal sealed partial class TenantChanges(DatabaseSettings database, ILogger<TenantChanges> logger) : BackgroundService
{
    private const string Channel = "invoicegateway_tenants";

    /// <summary>What changed: <see cref="TenantChangeKind.Connections"/>, <see cref="TenantChangeKind.Keys"/> or <see cref="TenantChangeKind.Events"/> (appended), and of which tenant (<c>*</c>: any).</summary>
    public event Action<TenantChange>? Changed;

    public async Task PublishAsync(TenantChange change, CancellationToken cancellationToken)
    {
        Changed?.Invoke(change);
        if (database.Provider != DatabaseProvider.Postgres)
        {
            return;
        }

        try
        {
            await using var connection = new NpgsqlConnection(database.ConnectionString);
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var notify = new NpgsqlCommand("SELECT pg_notify(@channel, @payload)", connection);
            notify.Parameters.AddWithValue("channel", Channel);
            notify.Parameters.AddWithValue("payload", change.ToString());
            await notify.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or System.Net.Sockets.SocketException)
        {
            // The change is stored; the other replicas see it when their listener reconnects (which reloads all).
            LogPublishFailed(logger, ex, change.Tenant);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (database.Provider != DatabaseProvider.Postgres)
        {
            return;
        }

        var missed = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(database.ConnectionString);
                await connection.OpenAsync(stoppingToken).ConfigureAwait(false);
                connection.Notification += (_, e) =>
                {
                    if (TenantChange.TryParse(e.Payload, out var change))
                    {
                        Changed?.Invoke(change);
                    }
                };
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken).ConfigureAwait(false);
                }

                if (missed)
                {
                    Changed?.Invoke(TenantChange.Everything);
                    missed = false;
                }

                while (!stoppingToken.IsCancellationRequested)
                {
                    await connection.WaitAsync(stoppingToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException or System.Net.Sockets.SocketException or IOException)
            {
                missed = true;
                LogListenFailed(logger, ex);
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken).ConfigureAwait(false);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not tell the other replicas that tenant {Tenant} changed")]
    private static partial void LogPublishFailed(ILogger logger, Exception exception, string tenant);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lost the database connection that hears tenant changes; reconnecting")]
    private static partial void LogListenFailed(ILogger logger, Exception exception);
}

/// <summary>A change of one tenant's connections, keys or events.</summary>
internal readonly record struct TenantChange(TenantChangeKind Kind, string Tenant)
{
    public static TenantChange Everything { get; } = new(TenantChangeKind.Everything, "*");

    public static TenantChange Connections(string tenant) => new(TenantChangeKind.Connections, tenant);

    public static TenantChange Keys(string tenant) => new(TenantChangeKind.Keys, tenant);

    /// <summary>Events of the tenant were appended (see <see cref="Events.EventLog"/>).</summary>
    public static TenantChange Events(string tenant) => new(TenantChangeKind.Events, tenant);

    public override string ToString() => (Kind switch
    {
        TenantChangeKind.Connections => "c:",
        TenantChangeKind.Keys => "k:",
        TenantChangeKind.Events => "e:",
        _ => "*:",
    }) + Tenant;

    public static bool TryParse(string? text, out TenantChange change)
    {
        change = Everything;
        if (text is null || text.Length < 3 || text[1] != ':')
        {
            return false;
        }

        var tenant = text[2..];
        change = text[0] switch
        {
            'c' => Connections(tenant),
            'k' => Keys(tenant),
            'e' => Events(tenant),
            _ => Everything,
        };
        return true;
    }
}

internal enum TenantChangeKind
{
    Everything,
    Connections,
    Keys,
    Events,
}
