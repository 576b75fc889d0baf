using Npgsql;

namespace InvoiceGateway.Gateway.Storage;

/// <summary>Which database the gateway keeps its tenants, connections and Data Protection keys in.</summary>
internal sealed record DatabaseSettings(DatabaseProvider Provider, string ConnectionString)
{
    /// <summary>The SQLite file's name inside <c>Gateway:DataDirectory</c>.</summary>
    public const string SqliteFileName = "invoicegateway.db";

    /// <summary>Where the database is, without any password: safe for logs and start-up errors.</summary>
    public string Describe()
    {
        if (Provider == DatabaseProvider.Sqlite)
        {
            return "SQLite " + new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(ConnectionString).DataSource;
        }

        var builder = new NpgsqlConnectionStringBuilder(ConnectionString);
        return $"PostgreSQL Host={builder.Host};Port={builder.Port};Database={builder.Database}";
    }

    /// <summary>
    /// <c>Gateway:Database</c> absent: a SQLite file under <c>Gateway:DataDirectory</c> (default <c>data/</c>
    /// under the content root); a PostgreSQL connection string (<c>Host=...</c>): PostgreSQL.
    /// </summary>
    public static DatabaseSettings Read(IConfigurationSection gateway, string contentRoot, List<string> problems)
    {
        var configured = gateway["Database"];
        if (string.IsNullOrWhiteSpace(configured))
        {
            var directory = Path.GetFullPath(Path.Combine(contentRoot, gateway["DataDirectory"] is { Length: > 0 } d ? d.Trim() : "data"));
            var file = Path.Combine(directory, SqliteFileName);
            return new DatabaseSettings(DatabaseProvider.Sqlite, new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder
            {
                DataSource = file,
                Pooling = true,
            }.ToString());
        }

        try
        {
            var builder = new NpgsqlConnectionStringBuilder(configured);
            if (string.IsNullOrWhiteSpace(builder.Host))
            {
                problems.Add("Gateway:Database must be a PostgreSQL connection string such as 'Host=db;Database=invoicegateway;Username=gateway;Password=...' (no Host given); leave it out for the embedded SQLite file.");
            }

            return new DatabaseSettings(DatabaseProvider.Postgres, builder.ConnectionString);
        }
        catch (Exception ex) when (ex is ArgumentException or KeyNotFoundException or FormatException or InvalidCastException)
        {
            // The message of the exception may quote the value, which may hold a password.
            problems.Add("Gateway:Database is not a valid PostgreSQL connection string (expected 'Host=...;Database=...;Username=...;Password=...').");
            return new DatabaseSettings(DatabaseProvider.Postgres, string.Empty);
        }
    }
}

internal enum DatabaseProvider
{
    Sqlite,
    Postgres,
}
