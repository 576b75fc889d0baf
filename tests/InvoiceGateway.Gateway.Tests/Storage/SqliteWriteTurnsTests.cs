using InvoiceGateway.Gateway.Storage;

namespace InvoiceGateway.Gateway.Tests.Storage;

/// <summary>
/// The sync's SQLite writers take turns in the process (waiting asynchronously) instead of colliding on the database
/// lock, where Microsoft.Data.Sqlite retries in a sleep loop and gives up after 30 s; PostgreSQL writers never wait here.
/// </summary>
public sealed class SqliteWriteTurnsTests
{
    [Fact]
    public async Task Take_OnSqlite_WaitsUntilTheHolderPassesItsTurnOn()
    {
        var turns = new SqliteWriteTurns(new DatabaseSettings(DatabaseProvider.Sqlite, "Data Source=unused.db"));
        var first = await turns.TakeAsync(TestContext.Current.CancellationToken);

        var second = turns.TakeAsync(TestContext.Current.CancellationToken).AsTask();
        var third = turns.TakeAsync(TestContext.Current.CancellationToken).AsTask();
        Assert.False(second.IsCompleted);
        Assert.False(third.IsCompleted);

        first.Dispose();
        using (await second)
        {
            Assert.False(third.IsCompleted);
        }

        (await third).Dispose();
    }

    [Fact]
    public async Task Take_OnPostgres_IsGrantedAtOnceToEveryWriter()
    {
        var turns = new SqliteWriteTurns(new DatabaseSettings(DatabaseProvider.Postgres, "Host=unused"));

        var first = turns.TakeAsync(TestContext.Current.CancellationToken);
        var second = turns.TakeAsync(TestContext.Current.CancellationToken);

        Assert.True(first.IsCompleted);
        Assert.True(second.IsCompleted);
        (await first).Dispose();
        (await second).Dispose();
    }
}
