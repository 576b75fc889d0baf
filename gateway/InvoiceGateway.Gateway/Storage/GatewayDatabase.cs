using InvoiceGateway.Gateway.Configuration;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace InvoiceGateway.Gateway.Storage;

/// <summary>Registers the database and brings its schema up to date at start-up.</summary>
internal static class GatewayDatabase
{
    private static readonly TimeSpan MigrationTimeout = TimeSpan.FromSeconds(60);

    public static IServiceCollection AddGatewayDatabase(this IServiceCollection services, DatabaseSettings database)
    {
        if (database.Provider == DatabaseProvider.Sqlite)
        {
            services.AddDbContext<SqliteGatewayDb>(options => ConfigureSqlite(options, database.ConnectionString));
            services.AddScoped<GatewayDb>(sp => sp.GetRequiredService<SqliteGatewayDb>());
        }
        else
        {
            services.AddDbContext<PostgresGatewayDb>(options => ConfigurePostgres(options, database.ConnectionString));
            services.AddScoped<GatewayDb>(sp => sp.GetRequiredService<PostgresGatewayDb>());
        }

        // One key ring for every replica: they share the database, so they share the keys that protect credentials.
        services.AddDataProtection()
            .SetApplicationName("InvoiceGateway")
            .PersistKeysToDbContext<GatewayDb>();
        return services;
    }

    /// <summary>
    /// Creates the database (the SQLite file and its folder) when missing and applies every pending
    /// migration. Replicas starting together are safe: EF Core takes a migration lock. A database that
    /// cannot be reached stops start-up with one message naming it (never its password).
    /// </summary>
    public static async Task MigrateAsync(DatabaseSettings database, CancellationToken cancellationToken)
    {
        try
        {
            if (database.Provider == DatabaseProvider.Sqlite)
            {
                var file = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(database.ConnectionString).DataSource;
                Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            }

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(MigrationTimeout);
            await using var db = CreateForMigration(database);
            await db.Database.MigrateAsync(timeout.Token).ConfigureAwait(false);
            if (database.Provider == DatabaseProvider.Sqlite)
            {
                // Readers do not wait for the writer (one file, many requests at once).
                await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", timeout.Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw new GatewayConfigurationException(
            [
                $"Gateway:Database: the database ({database.Describe()}) could not be opened or upgraded: {Reason(ex)}",
            ]);
        }
    }

    private static GatewayDb CreateForMigration(DatabaseSettings database)
    {
        var tenant = new Tenancy.TenantContext();
        return database.Provider == DatabaseProvider.Sqlite
            ? new SqliteGatewayDb(ConfigureSqlite(new DbContextOptionsBuilder<SqliteGatewayDb>(), database.ConnectionString).Options, tenant)
            : new PostgresGatewayDb(ConfigurePostgres(new DbContextOptionsBuilder<PostgresGatewayDb>(), database.ConnectionString).Options, tenant);
    }

    private static string Reason(Exception ex)
    {
        var inner = ex;
        while (inner.InnerException is not null && inner is not System.Data.Common.DbException and not System.Net.Sockets.SocketException)
        {
            inner = inner.InnerException;
        }

        return inner is OperationCanceledException or TimeoutException
            ? $"no answer within {MigrationTimeout.TotalSeconds:0} s."
            : inner.Message;
    }

    private static T ConfigureSqlite<T>(T options, string connectionString)
        where T : DbContextOptionsBuilder
    {
        options.UseSqlite(connectionString);
        return options;
    }

    private static T ConfigurePostgres<T>(T options, string connectionString)
        where T : DbContextOptionsBuilder
    {
        options.UseNpgsql(connectionString);
        return options;
    }

    /// <summary>For <c>dotnet ef migrations add</c> only.</summary>
    internal sealed class SqliteDesignTime : IDesignTimeDbContextFactory<SqliteGatewayDb>
    {
        public SqliteGatewayDb CreateDbContext(string[] args) =>
            new(ConfigureSqlite(new DbContextOptionsBuilder<SqliteGatewayDb>(), "Data Source=design.db").Options, new Tenancy.TenantContext());
    }

    /// <summary>For <c>dotnet ef migrations add</c> only.</summary>
    internal sealed class PostgresDesignTime : IDesignTimeDbContextFactory<PostgresGatewayDb>
    {
        public PostgresGatewayDb CreateDbContext(string[] args) =>
            new(ConfigurePostgres(new DbContextOptionsBuilder<PostgresGatewayDb>(), "Host=localhost;Database=design").Options, new Tenancy.TenantContext());
    }
}
