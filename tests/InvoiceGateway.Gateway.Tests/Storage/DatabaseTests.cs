using InvoiceGateway.Gateway.Storage;
using InvoiceGateway.Gateway.Tests.Infrastructure;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace InvoiceGateway.Gateway.Tests.Storage;

/// <summary>The gateway's database: created and migrated at start on SQLite and PostgreSQL, the Data Protection key ring kept in it.</summary>
public sealed class DatabaseTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Start_WithoutDatabaseSetting_CreatesTheSqliteFileUnderTheDataDirectory()
    {
        var directory = Path.Combine(Path.GetTempPath(), "ig-test-" + Guid.NewGuid().ToString("N")[..8], "nested", "data");
        await using (var gateway = await GatewayServer.StartAsync(new Dictionary<string, string?> { ["Gateway:DataDirectory"] = directory }))
        {
            Assert.True(File.Exists(Path.Combine(directory, DatabaseSettings.SqliteFileName)));
            Assert.Empty(await AppliedMigrationsMissingAsync(gateway));
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(Path.GetDirectoryName(Path.GetDirectoryName(directory))!, recursive: true);
    }

    [Fact]
    public async Task Start_WithPostgresConnectionString_AppliesEveryMigrationAndASecondStartFindsNothingToDo()
    {
        var database = await postgres.CreateDatabaseAsync();
        var settings = new Dictionary<string, string?> { ["Gateway:Database"] = database };

        await using (var first = await GatewayServer.StartAsync(settings))
        {
            Assert.Empty(await AppliedMigrationsMissingAsync(first));
            using var scope = first.Services.CreateScope();
            Assert.IsType<PostgresGatewayDb>(scope.ServiceProvider.GetRequiredService<GatewayDb>());
        }

        await using var second = await GatewayServer.StartAsync(settings);
        Assert.Empty(await AppliedMigrationsMissingAsync(second));
    }

    [Fact]
    public async Task DataProtection_KeysInPostgres_AreSharedByReplicas()
    {
        var database = await postgres.CreateDatabaseAsync();
        var settings = new Dictionary<string, string?> { ["Gateway:Database"] = database };
        await using var one = await GatewayServer.StartAsync(settings);
        await using var other = await GatewayServer.StartAsync(settings);

        var secret = one.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("test").Protect("a consent secret");
        var read = other.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("test").Unprotect(secret);

        Assert.Equal("a consent secret", read);
        using var scope = one.Services.CreateScope();
        Assert.NotEmpty(await scope.ServiceProvider.GetRequiredService<GatewayDb>().DataProtectionKeys.ToListAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Start_WithUnreachablePostgres_FailsWithOneMessageNamingTheDatabaseButNotItsPassword()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop(); // nothing listens there any more

        var error = await Assert.ThrowsAsync<Configuration.GatewayConfigurationException>(() => GatewayServer.StartAsync(new Dictionary<string, string?>
        {
            ["Gateway:Database"] = $"Host=127.0.0.1;Port={port};Database=gw;Username=gw;Password=never-print-this-password;Timeout=5",
        }));

        Assert.Single(error.Problems);
        Assert.Contains("Gateway:Database", error.Message, StringComparison.Ordinal);
        Assert.Contains($"Host=127.0.0.1;Port={port};Database=gw", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("never-print-this-password", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_WithMalformedDatabaseSetting_IsAConfigurationProblem()
    {
        var error = await Assert.ThrowsAsync<Configuration.GatewayConfigurationException>(() => GatewayServer.StartAsync(new Dictionary<string, string?>
        {
            ["Gateway:Database"] = "Password=never-print-this-password;Nonsense==;=",
        }));

        Assert.Contains("Gateway:Database", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("never-print-this-password", error.Message, StringComparison.Ordinal);
    }

    private static async Task<IReadOnlyList<string>> AppliedMigrationsMissingAsync(GatewayServer gateway)
    {
        using var scope = gateway.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<GatewayDb>();
        return (await db.Database.GetPendingMigrationsAsync(TestContext.Current.CancellationToken)).ToArray();
    }
}
