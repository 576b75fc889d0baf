using InvoiceGateway.Gateway.Tenancy;
using InvoiceGateway.Gateway.Webhooks;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace InvoiceGateway.Gateway.Storage;

/// <summary>
/// The gateway's own database: tenant keys, connections, webhooks and their deliveries, and the Data Protection key ring. Every
/// tenant-owned entity carries a query filter on the request's tenant, and new rows get that tenant
/// when saved, so a handler cannot read or write another tenant's rows by forgetting a <c>Where</c>.
/// Code that must see every tenant (a replica loading a tenant's connections by id) says so with
/// <c>IgnoreQueryFilters()</c>.
/// </summary>
/// <remarks>
/// One model, two providers: <see cref="SqliteGatewayDb"/> and <see cref="PostgresGatewayDb"/> exist
/// only so that each provider has its own migrations (EF Core ties a migration to a context type).
/// </remarks>
internal abstract class GatewayDb(DbContextOptions options, TenantContext tenant, SqliteWriteTurns? writeTurns) : DbContext(options), IDataProtectionKeyContext
{
    /// <summary>The tenant every query of this context is scoped to (read per query, so it is a parameter, not a constant).</summary>
    public string TenantId => tenant.Id;

    public DbSet<TenantKeyRecord> TenantKeys => Set<TenantKeyRecord>();

    public DbSet<ConnectionRecord> Connections => Set<ConnectionRecord>();

    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    /// <summary>The tenants' events (SPEC section 8), in <see cref="Events.StoredEvent.Sequence"/> order.</summary>
    public DbSet<Events.StoredEvent> Events => Set<Events.StoredEvent>();

    public DbSet<WebhookRecord> Webhooks => Set<WebhookRecord>();

    public DbSet<WebhookDeliveryRecord> WebhookDeliveries => Set<WebhookDeliveryRecord>();

    public DbSet<WebhookAttemptRecord> WebhookAttempts => Set<WebhookAttemptRecord>();

    public DbSet<WebhookCursorRecord> WebhookCursors => Set<WebhookCursorRecord>();

    /// <summary>The sync's state of each source; not tenant-filtered (the sync works for every tenant).</summary>
    public DbSet<Sync.SyncedSource> SyncedSources => Set<Sync.SyncedSource>();

    /// <summary>The last content the sync saw of each invoice; not tenant-filtered.</summary>
    public DbSet<Sync.SyncedInvoice> SyncedInvoices => Set<Sync.SyncedInvoice>();

    /// <summary>
    /// The process's turn to write to SQLite (<see cref="SqliteWriteTurns"/>; at once on PostgreSQL): taken by
    /// <c>SaveChanges</c> itself, and by the caller around a write transaction or a bulk statement
    /// (<c>ExecuteUpdate</c>, <c>ExecuteDelete</c>, raw SQL), held until the turn is disposed.
    /// </summary>
    public ValueTask<SqliteWriteTurns.Turn> TakeWriteTurnAsync(CancellationToken cancellationToken) =>
        writeTurns?.TakeAsync(cancellationToken) ?? ValueTask.FromResult(default(SqliteWriteTurns.Turn));

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        StampTenant();
        using var turn = writeTurns?.Take() ?? default;
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        StampTenant();
        using var turn = await TakeWriteTurnAsync(cancellationToken).ConfigureAwait(false);
        return await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken).ConfigureAwait(false);
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        modelBuilder.Entity<TenantKeyRecord>(key =>
        {
            key.ToTable("tenant_keys");
            key.HasKey(k => k.Id);
            key.Property(k => k.Id).HasMaxLength(32);
            key.Property(k => k.TenantId).HasMaxLength(64).IsRequired();
            key.Property(k => k.Name).HasMaxLength(100).IsRequired();
            key.Property(k => k.Hash).HasMaxLength(64).IsRequired();
            key.HasIndex(k => k.Hash).IsUnique();
            key.HasIndex(k => k.TenantId);
            key.HasQueryFilter(k => k.TenantId == TenantId);
        });

        modelBuilder.Entity<ConnectionRecord>(connection =>
        {
            connection.ToTable("connections");
            connection.HasKey(c => c.Id);
            connection.Property(c => c.Id).HasMaxLength(32);
            connection.Property(c => c.TenantId).HasMaxLength(64).IsRequired();
            connection.Property(c => c.Name).HasMaxLength(64).IsRequired();
            connection.Property(c => c.Source).HasMaxLength(64).IsRequired();
            connection.Property(c => c.Options).IsRequired();
            connection.Property(c => c.Credentials).IsRequired();
            connection.Property(c => c.State).HasMaxLength(16).IsRequired();
            connection.Property(c => c.Error).HasMaxLength(1000);
            connection.HasIndex(c => new { c.TenantId, c.Name }).IsUnique();
            connection.HasQueryFilter(c => c.TenantId == TenantId);
        });

        modelBuilder.Entity<Events.StoredEvent>(stored =>
        {
            stored.ToTable("events");
            stored.HasKey(e => e.Sequence);
            stored.Property(e => e.Sequence).ValueGeneratedOnAdd();
            stored.Property(e => e.Id).HasMaxLength(40).IsRequired();
            stored.Property(e => e.TenantId).HasMaxLength(64).IsRequired();
            stored.Property(e => e.Type).HasMaxLength(40).IsRequired();
            stored.Property(e => e.Source).HasMaxLength(64);
            stored.Property(e => e.InvoiceId).HasMaxLength(300);
            stored.Property(e => e.Data).IsRequired();
            if (Database.IsSqlite())
            {
                // SQLite has no time type: milliseconds since 1970 compare and sort (retention deletes by time).
                stored.Property(e => e.OccurredAt).HasConversion(v => v.ToUnixTimeMilliseconds(), v => DateTimeOffset.FromUnixTimeMilliseconds(v));
            }

            stored.HasIndex(e => e.Id).IsUnique();
            stored.HasIndex(e => new { e.TenantId, e.Sequence });
            stored.HasIndex(e => e.OccurredAt);
            stored.HasQueryFilter(e => e.TenantId == TenantId);
        });

        modelBuilder.Entity<Sync.SyncedSource>(source =>
        {
            source.ToTable("sync_sources");
            source.HasKey(s => s.Key);
            source.Property(s => s.Key).HasMaxLength(80);
            source.Property(s => s.TenantId).HasMaxLength(64).IsRequired();
            source.Property(s => s.Source).HasMaxLength(64).IsRequired();
            source.Property(s => s.LeaseOwner).HasMaxLength(40);
        });

        modelBuilder.Entity<Sync.SyncedInvoice>(invoice =>
        {
            invoice.ToTable("sync_invoices");
            invoice.HasKey(i => new { i.SourceKey, i.SourceId });
            invoice.Property(i => i.SourceKey).HasMaxLength(80);
            invoice.Property(i => i.Hash).HasMaxLength(32).IsRequired();
            invoice.Property(i => i.Content).IsRequired();
        });

        ConfigureWebhooks(modelBuilder);
    }

    private void ConfigureWebhooks(ModelBuilder modelBuilder)
    {
        // Times the dispatcher compares and orders by are Unix milliseconds: SQLite cannot compare DateTimeOffset text.
        var unixMs = new Microsoft.EntityFrameworkCore.Storage.ValueConversion.ValueConverter<DateTimeOffset, long>(
            v => v.ToUnixTimeMilliseconds(), v => DateTimeOffset.FromUnixTimeMilliseconds(v));
        modelBuilder.Entity<WebhookRecord>(webhook =>
        {
            webhook.ToTable("webhooks");
            webhook.HasKey(w => w.Id);
            webhook.Property(w => w.Id).HasMaxLength(32);
            webhook.Property(w => w.TenantId).HasMaxLength(64).IsRequired();
            webhook.Property(w => w.Url).HasMaxLength(2048).IsRequired();
            webhook.Property(w => w.Types).HasMaxLength(1000).IsRequired();
            webhook.Property(w => w.Description).HasMaxLength(500);
            webhook.Property(w => w.Secret).IsRequired();
            webhook.Property(w => w.DisabledReason).HasMaxLength(500);
            webhook.Property(w => w.FailingSince).HasConversion(unixMs);
            webhook.HasIndex(w => w.TenantId);
            webhook.HasQueryFilter(w => w.TenantId == TenantId);
        });

        modelBuilder.Entity<WebhookDeliveryRecord>(delivery =>
        {
            delivery.ToTable("webhook_deliveries");
            delivery.HasKey(d => d.Id);
            delivery.Property(d => d.Id).HasMaxLength(32);
            delivery.Property(d => d.TenantId).HasMaxLength(64).IsRequired();
            delivery.Property(d => d.WebhookId).HasMaxLength(32).IsRequired();
            delivery.Property(d => d.EventId).HasMaxLength(64).IsRequired();
            delivery.Property(d => d.EventType).HasMaxLength(64).IsRequired();
            delivery.Property(d => d.InvoiceId).HasMaxLength(300);
            delivery.Property(d => d.OrderingKey).HasMaxLength(300);
            delivery.Property(d => d.Payload).IsRequired();
            delivery.Property(d => d.Status).HasMaxLength(16).IsRequired();
            delivery.Property(d => d.NextAttemptAt).HasConversion(unixMs);
            delivery.Property(d => d.RetryFrom).HasConversion(unixMs);
            delivery.Property(d => d.LeaseUntil).HasConversion(unixMs);
            delivery.Property(d => d.CreatedAt).HasConversion(unixMs);
            delivery.Property(d => d.CompletedAt).HasConversion(unixMs);
            delivery.HasOne<WebhookRecord>().WithMany().HasForeignKey(d => d.WebhookId).OnDelete(DeleteBehavior.Cascade);
            delivery.HasIndex(d => new { d.WebhookId, d.EventId }).IsUnique(); // one delivery per event per endpoint, whichever replica fans out
            delivery.HasIndex(d => new { d.Status, d.NextAttemptAt });
            delivery.HasIndex(d => new { d.WebhookId, d.OrderingKey, d.Status, d.Sequence });
            delivery.HasIndex(d => new { d.WebhookId, d.CreatedAt });
            delivery.HasQueryFilter(d => d.TenantId == TenantId);
        });

        modelBuilder.Entity<WebhookAttemptRecord>(attempt =>
        {
            attempt.ToTable("webhook_attempts");
            attempt.HasKey(a => a.Id);
            attempt.Property(a => a.TenantId).HasMaxLength(64).IsRequired();
            attempt.Property(a => a.DeliveryId).HasMaxLength(32).IsRequired();
            attempt.Property(a => a.Error).HasMaxLength(500);
            attempt.Property(a => a.At).HasConversion(unixMs);
            attempt.Property(a => a.NextAttemptAt).HasConversion(unixMs);
            attempt.HasOne<WebhookDeliveryRecord>().WithMany().HasForeignKey(a => a.DeliveryId).OnDelete(DeleteBehavior.Cascade);
            attempt.HasIndex(a => new { a.DeliveryId, a.Number }).IsUnique();
            attempt.HasQueryFilter(a => a.TenantId == TenantId);
        });

        modelBuilder.Entity<WebhookCursorRecord>(cursor =>
        {
            cursor.ToTable("webhook_cursors");
            cursor.HasKey(c => c.Name);
            cursor.Property(c => c.Name).HasMaxLength(32);
        });
    }

    private void StampTenant()
    {
        foreach (var entry in ChangeTracker.Entries<ITenantOwned>())
        {
            if (entry.State == EntityState.Added)
            {
                entry.Entity.TenantId = TenantId;
            }
            else if (entry.State is EntityState.Modified or EntityState.Deleted && entry.Entity.TenantId != TenantId)
            {
                throw new InvalidOperationException("A row of another tenant was about to be changed.");
            }
        }
    }
}

/// <summary>A row that belongs to one tenant.</summary>
internal interface ITenantOwned
{
    string TenantId { get; set; }
}

/// <summary>A tenant's API key: only its SHA-256 is kept; the key itself is shown once, when issued.</summary>
internal sealed class TenantKeyRecord : ITenantOwned
{
    public required string Id { get; set; }

    public string TenantId { get; set; } = string.Empty;

    public required string Name { get; set; }

    /// <summary>Lower-case hex SHA-256 of the key.</summary>
    public required string Hash { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>A tenant's connection of a connectable source definition.</summary>
internal sealed class ConnectionRecord : ITenantOwned
{
    public required string Id { get; set; }

    public string TenantId { get; set; } = string.Empty;

    /// <summary>Unique within the tenant; the <c>source</c> of the connection's invoices.</summary>
    public required string Name { get; set; }

    /// <summary>The name of the source definition (<c>Gateway:Sources:&lt;name&gt;</c>).</summary>
    public required string Source { get; set; }

    /// <summary>The connection's adapter options, a JSON object of strings.</summary>
    public required string Options { get; set; }

    /// <summary>The connection's credential fields, a JSON object protected with Data Protection.</summary>
    public required string Credentials { get; set; }

    public TimeSpan? CacheTtl { get; set; }

    /// <summary>The owner's party (SPEC §9) as JSON, completing the owner's side of the UBL export; <c>null</c> when not given.</summary>
    public string? Owner { get; set; }

    /// <summary><c>active</c> or <c>failed</c>, from the last check.</summary>
    public required string State { get; set; }

    public DateTimeOffset? CheckedAt { get; set; }

    /// <summary>The upstream's reason when the last check failed; never a credential.</summary>
    public string? Error { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}

internal sealed class SqliteGatewayDb(DbContextOptions<SqliteGatewayDb> options, TenantContext tenant, SqliteWriteTurns writeTurns) : GatewayDb(options, tenant, writeTurns);

internal sealed class PostgresGatewayDb(DbContextOptions<PostgresGatewayDb> options, TenantContext tenant) : GatewayDb(options, tenant, null);
