namespace InvoiceGateway.Gateway.Storage;

/// <summary>
/// SQLite lets one writer in at a time. A writer that finds the database locked is retried by Microsoft.Data.Sqlite in a
/// <c>Thread.Sleep</c> loop on its pool thread until the command timeout (30 s), then fails with "database is locked".
/// A thousand connections synced eight at a time queued their write transactions that way: most of the gateway's
/// threads asleep, and one sync store in ten failing (its changes compared again only a Ttl later; see
/// bench/results/scale-profile.md). The sync's writes take turns here instead, waiting asynchronously without a time
/// limit. With PostgreSQL every turn is granted at once: row locks order the writers there.
/// </summary>
internal sealed class SqliteWriteTurns(DatabaseSettings database)
{
    private readonly SemaphoreSlim _turn = new(1, 1);

    /// <summary>Waits for this process's turn to write to SQLite; dispose the turn to pass it on.</summary>
    public async ValueTask<Turn> TakeAsync(CancellationToken cancellationToken)
    {
        if (database.Provider != DatabaseProvider.Sqlite)
        {
            return default;
        }

        await _turn.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new Turn(_turn);
    }

    /// <summary>A turn to write; <see langword="default"/> holds nothing.</summary>
    internal readonly struct Turn(SemaphoreSlim? held) : IDisposable
    {
        public void Dispose() => held?.Release();
    }
}
