using InvoiceGateway.Gateway.Configuration;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace InvoiceGateway.Gateway.Storage;

/// <summary>Registers the database and brings its schema up to date at start-up.</summary>
internal static class GatewayDatabase
{
    private static readonly TimeSpan MigrationTimeout = TimeSpan.FromSeconds(60);

    public static IServiceCollection AddGatewayDatabase(this IServiceCollection services, DatabaseSettings database)
    {
        if (database.Provider == DatabaseProvider.Sqlite)
        {
            // Every write of the process takes turns (SqliteWriteTurns); the guard refuses one that did not.
            services.AddSingleton<SqliteWriteGuard>();
            services.AddDbContext<SqliteGatewayDb>((sp, options) =>
                ConfigureSqlite(options, database.ConnectionString).AddInterceptors(sp.GetRequiredService<SqliteWriteGuard>()));
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
    /// Takes out Data Protection's hosted service, which only loads the key ring at start, ahead of its first use. With
    /// the ring in the database that is the first EF Core query (model, context services, query compilation): most of a
    /// second before the gateway is ready, for credentials that only connections use. Without it the ring is loaded
    /// when a connection's credentials are first protected or read (the sync does that right after start). Called
    /// after every registration: <c>AddDataProtection</c>, which other features call too, adds the service again.
    /// </summary>
    public static void DeferKeyRingLoading(this IServiceCollection services)
    {
        if (services.FirstOrDefault(descriptor => descriptor.ServiceType == typeof(IHostedService)
                && descriptor.ImplementationType?.FullName == "Microsoft.AspNetCore.DataProtection.Internal.DataProtectionHostedService") is { } preload)
        {
            services.Remove(preload);
        }
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
            if (await IsUpToDateAsync(database, timeout.Token).ConfigureAwait(false))
            {
                return;
            }

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

    /// <summary>
    /// Whether every migration of this build is applied already, asked with one plain query of the history table. The
    /// usual start of a gateway on its existing database then costs no EF Core model, no context services and no
    /// migration lock: together the largest part of start-up (bench/results/startup-profile.md). Anything else (a new
    /// database, a pending migration, a history table that cannot be read) goes through EF Core's <c>Migrate</c>.
    /// </summary>
    private static async Task<bool> IsUpToDateAsync(DatabaseSettings database, CancellationToken cancellationToken)
    {
        if (database.Provider == DatabaseProvider.Sqlite
            && !File.Exists(new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(database.ConnectionString).DataSource))
        {
            return false;
        }

        var known = MigrationIds(database.Provider == DatabaseProvider.Sqlite ? typeof(SqliteGatewayDb) : typeof(PostgresGatewayDb));
        await using System.Data.Common.DbConnection connection = database.Provider == DatabaseProvider.Sqlite
            ? new Microsoft.Data.Sqlite.SqliteConnection(database.ConnectionString)
            : new Npgsql.NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT \"MigrationId\" FROM \"{HistoryRepository.DefaultTableName}\"";
        var applied = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                applied.Add(reader.GetString(0));
            }
        }
        catch (System.Data.Common.DbException)
        {
            return false; // no history table yet: a database EF Core has never migrated
        }

        return known.IsSubsetOf(applied);
    }

    /// <summary>The migrations of this build for <paramref name="context"/>, found as EF Core finds them (their attributes).</summary>
    private static HashSet<string> MigrationIds(Type context) =>
        typeof(GatewayDb).Assembly.GetTypes()
            .Where(t => t.IsSubclassOf(typeof(Migration))
                        && t.GetCustomAttributes(typeof(DbContextAttribute), inherit: false) is [DbContextAttribute { ContextType: var owner }]
                        && owner == context)
            .Select(t => t.GetCustomAttributes(typeof(MigrationAttribute), inherit: false) is [MigrationAttribute { Id: var id }] ? id : null)
            .OfType<string>()
            .ToHashSet(StringComparer.Ordinal);

    private static GatewayDb CreateForMigration(DatabaseSettings database)
    {
        var tenant = new Tenancy.TenantContext();
        return database.Provider == DatabaseProvider.Sqlite
            ? new SqliteGatewayDb(ConfigureSqlite(new DbContextOptionsBuilder<SqliteGatewayDb>(), database.ConnectionString).Options, tenant, new SqliteWriteTurns(database))
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
            new(ConfigureSqlite(new DbContextOptionsBuilder<SqliteGatewayDb>(), "Data Source=design.db").Options, new Tenancy.TenantContext(),
                new SqliteWriteTurns(new DatabaseSettings(DatabaseProvider.Sqlite, "Data Source=design.db")));
    }

    /// <summary>For <c>dotnet ef migrations add</c> only.</summary>
    internal sealed class PostgresDesignTime : IDesignTimeDbContextFactory<PostgresGatewayDb>
    {
        public PostgresGatewayDb CreateDbContext(string[] args) =>
            new(ConfigurePostgres(new DbContextOptionsBuilder<PostgresGatewayDb>(), "Host=localhost;Database=design").Options, new Tenancy.TenantContext());
    }
}
