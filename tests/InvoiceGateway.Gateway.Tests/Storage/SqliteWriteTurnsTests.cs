using InvoiceGateway.Gateway.Storage;

namespace InvoiceGateway.Gateway.Tests.Storage;

/// <summary>
/// Every SQLite writer of the process takes turns (waiting asynchronously) instead of colliding on the database lock,
/// where Microsoft.Data.Sqlite retries in a sleep loop and gives up after 30 s; PostgreSQL writers never wait here.
/// A turn belongs to the flow that took it: taking it again there (a save inside a held transaction) is granted at once.
/// </summary>
public sealed class SqliteWriteTurnsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Take_OnSqlite_WaitsUntilTheHolderPassesItsTurnOn()
    {
        var turns = new SqliteWriteTurns(new DatabaseSettings(DatabaseProvider.Sqlite, "Data Source=unused.db"));
        var first = await turns.TakeAsync(Ct);

        // Other flows: started without this one's context, as a request or the sync would be.
        var second = OtherFlow(() => turns.TakeAsync(Ct).AsTask());
        var third = OtherFlow(() => turns.TakeAsync(Ct).AsTask());
        Assert.False(second.IsCompleted);
        Assert.False(third.IsCompleted);

        first.Dispose();
        var next = await Task.WhenAny(second, third);
        var last = next == second ? third : second;
        using (await next)
        {
            Assert.False(last.IsCompleted);
        }

        (await last).Dispose();
    }

    [Fact]
    public async Task Take_InTheFlowThatHoldsIt_IsGrantedAtOnce_AndOnlyTheOuterTurnPassesItOn()
    {
        var turns = new SqliteWriteTurns(new DatabaseSettings(DatabaseProvider.Sqlite, "Data Source=unused.db"));
        var outer = await turns.TakeAsync(Ct);
        Assert.True(turns.HeldHere);

        var inner = turns.TakeAsync(Ct);
        Assert.True(inner.IsCompletedSuccessfully);
        (await inner).Dispose();
        Assert.True(turns.HeldHere);

        var other = OtherFlow(() => turns.TakeAsync(Ct).AsTask());
        Assert.False(other.IsCompleted);
        outer.Dispose();
        outer.Dispose(); // a second disposal passes nothing on
        Assert.False(turns.HeldHere);
        using (await other)
        {
            Assert.False(await OtherFlow(() => Task.FromResult(turns.HeldHere)));
        }
    }

    [Fact]
    public async Task Take_OnPostgres_IsGrantedAtOnceToEveryWriter()
    {
        var turns = new SqliteWriteTurns(new DatabaseSettings(DatabaseProvider.Postgres, "Host=unused"));

        var first = turns.TakeAsync(Ct);
        var second = OtherFlow(() => turns.TakeAsync(Ct).AsTask());

        Assert.True(first.IsCompleted);
        (await first).Dispose();
        (await second).Dispose();
    }

    private static Task<T> OtherFlow<T>(Func<Task<T>> work)
    {
        using (ExecutionContext.SuppressFlow())
        {
            return Task.Run(work);
        }
    }
}
