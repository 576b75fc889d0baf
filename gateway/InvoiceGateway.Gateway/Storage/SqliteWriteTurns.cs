namespace InvoiceGateway.Gateway.Storage;

/// <summary>
/// SQLite lets one writer in at a time. A writer that finds the database locked is retried by Microsoft.Data.Sqlite in a
/// <c>Thread.Sleep</c> loop on its pool thread until the command timeout (30 s), then fails with "database is locked".
/// A thousand connections synced eight at a time queued their write transactions that way: most of the gateway's
/// threads asleep, and one sync store in ten failing (its changes compared again only a Ttl later; see
/// bench/results/scale-profile.md); and while the sync wrote back to back, 5 of 1,000 connection creations gave up
/// the same way (503). So every SQLite write of the process takes turns here, waiting asynchronously without a time
/// limit: <see cref="GatewayDb"/>'s <c>SaveChanges</c>, and each write transaction or bulk statement where it is made
/// (<see cref="GatewayDb.TakeWriteTurnAsync"/>); <see cref="SqliteWriteGuard"/> refuses a write made without one. With
/// PostgreSQL every turn is granted at once: row locks order the writers there.
/// </summary>
/// <remarks>
/// A turn belongs to the async flow that took it: taking it again in that flow (a save inside the sync's transaction,
/// which holds it) is granted at once, and only the outer turn passes it on. Work the flow starts while it holds a turn
/// (a <c>Task.Run</c>) counts as the flow's own, as long as the turn is held.
/// </remarks>
internal sealed class SqliteWriteTurns(DatabaseSettings database)
{
    private readonly SemaphoreSlim _turn = new(1, 1);
    private readonly AsyncLocal<Holder?> _holder = new();

    /// <summary>Whether the current flow may write now: it holds the turn, or the database is not SQLite.</summary>
    public bool HeldHere => database.Provider != DatabaseProvider.Sqlite || _holder.Value is { Held: true };

    /// <summary>Waits for this process's turn to write to SQLite; dispose the turn to pass it on.</summary>
    /// <remarks>Not <c>async</c>: the holder is set in the caller's flow, which an async method would not change.</remarks>
    public ValueTask<Turn> TakeAsync(CancellationToken cancellationToken)
    {
        if (HeldHere)
        {
            return ValueTask.FromResult(default(Turn));
        }

        var holder = Hold();
        var waiting = _turn.WaitAsync(cancellationToken);
        return waiting.IsCompletedSuccessfully ? ValueTask.FromResult(new Turn(_turn, holder)) : WaitAsync(waiting, holder);
    }

    /// <summary>As <see cref="TakeAsync"/>, blocking (for EF Core's synchronous <c>SaveChanges</c>, which Data Protection calls).</summary>
    public Turn Take()
    {
        if (HeldHere)
        {
            return default;
        }

        var holder = Hold();
        try
        {
            _turn.Wait();
        }
        catch
        {
            holder.Held = false;
            throw;
        }

        return new Turn(_turn, holder);
    }

    private Holder Hold()
    {
        var holder = new Holder { Held = true };
        _holder.Value = holder;
        return holder;
    }

    private async ValueTask<Turn> WaitAsync(Task waiting, Holder holder)
    {
        try
        {
            await waiting.ConfigureAwait(false);
        }
        catch
        {
            holder.Held = false;
            throw;
        }

        return new Turn(_turn, holder);
    }

    /// <summary>The flow's claim: held from the wait until the turn is passed on (the flow keeps the object, not the turn).</summary>
    internal sealed class Holder
    {
        private int _held;

        public bool Held
        {
            get => Volatile.Read(ref _held) == 1;
            set => Volatile.Write(ref _held, value ? 1 : 0);
        }

        /// <summary>True the first time only, so that a turn disposed twice passes it on once.</summary>
        public bool Release() => Interlocked.Exchange(ref _held, 0) == 1;
    }

    /// <summary>A turn to write; <see langword="default"/> holds nothing (PostgreSQL, or the flow's turn taken again).</summary>
    internal readonly struct Turn : IDisposable
    {
        private readonly SemaphoreSlim? _turn;
        private readonly Holder? _holder;

        internal Turn(SemaphoreSlim turn, Holder holder)
        {
            _turn = turn;
            _holder = holder;
        }

        public void Dispose()
        {
            if (_holder?.Release() == true)
            {
                _turn!.Release();
            }
        }
    }
}
