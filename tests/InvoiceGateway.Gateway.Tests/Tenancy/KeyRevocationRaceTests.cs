using System.Data.Common;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using InvoiceGateway.Gateway.Storage;
using InvoiceGateway.Gateway.Tests.Infrastructure;
using InvoiceGateway.Sandbox;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace InvoiceGateway.Gateway.Tests.Tenancy;

/// <summary>
/// A tenant key revoked while a request's lookup of it is under way: the lookup read the key before the revocation,
/// and what it read must not be kept as valid after it (it once was, for the minute a found key is cached).
/// </summary>
public sealed class KeyRevocationRaceTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task KeyRevokedWhileALookupOfItRuns_IsRefusedByTheNextRequest()
    {
        await using var sandbox = await SandboxHost.StartAsync(new SandboxOptions { InvoicesPerSource = 10 }, cancellationToken: Ct);
        var paused = new PausedKeyLookup();
        await using var gateway = await GatewayServer.StartAsync(TenantSetup.For(sandbox),
            services => services.ConfigureDbContext<SqliteGatewayDb>(options => options.AddInterceptors(paused)));
        using var app = TenantSetup.Client(gateway, TenantSetup.AppKey);
        using var issued = await app.PostAsJsonAsync("v1/tenants/race-k/keys", new { name = "k" }, Ct);
        Assert.Equal(HttpStatusCode.Created, issued.StatusCode);
        var key = JsonNode.Parse(await issued.Content.ReadAsStringAsync(Ct))!;
        using var tenant = TenantSetup.Client(gateway, key.Str("key")!);

        // The key's first use looks it up; the lookup has read the row and waits there while the key is revoked.
        var release = paused.Arm();
        var first = tenant.GetAsync("v1/sources", Ct);
        await paused.Reached.Task.WaitAsync(Ct);
        using (var revoked = await app.DeleteAsync($"v1/tenants/race-k/keys/{key.Str("id")}", Ct))
        {
            Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        }

        release.SetResult();
        (await first).Dispose(); // begun before the revocation: either answer is right for it

        using var next = await tenant.GetAsync("v1/sources", Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, next.StatusCode);
    }

    /// <summary>Once armed, holds the next key lookup after it has read (its SQLite snapshot taken) until released.</summary>
    private sealed class PausedKeyLookup : DbCommandInterceptor
    {
        private TaskCompletionSource? _release;

        public TaskCompletionSource Reached { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Arm()
        {
            var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Volatile.Write(ref _release, release);
            return release;
        }

        public override async ValueTask<DbDataReader> ReaderExecutedAsync(
            DbCommand command, CommandExecutedEventData eventData, DbDataReader result, CancellationToken cancellationToken = default)
        {
            if (command.CommandText.Contains("\"tenant_keys\"", StringComparison.Ordinal)
                && command.CommandText.Contains("\"Hash\"", StringComparison.Ordinal)
                && Interlocked.Exchange(ref _release, null) is { } release)
            {
                Reached.TrySetResult();
                await release.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            }

            return result;
        }
    }
}
