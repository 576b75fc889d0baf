namespace InvoiceGateway.Caching;

/// <summary>Options of a <see cref="RedisStore"/>.</summary>
public sealed class RedisStoreOptions
{
    /// <summary>
    /// Gets or sets the prefix of every key and of the invalidation channel, so that several
    /// deployments (or tests) can share one Redis. The default value is <c>ig:</c>.
    /// </summary>
    public string KeyPrefix { get; set; } = "ig:";

    /// <summary>
    /// Gets or sets the time limit of each Redis call; a call that takes longer counts as a failure
    /// and its caller continues without Redis. The default value is 250 milliseconds.
    /// </summary>
    public TimeSpan OperationTimeout { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// Gets or sets after how many consecutive failed calls Redis is left alone for
    /// <see cref="BackoffDuration"/>. The default value is 3.
    /// </summary>
    public int FailuresBeforeBackoff { get; set; } = 3;

    /// <summary>
    /// Gets or sets how long Redis is not called after repeated failures; then one call probes it.
    /// The default value is 10 seconds.
    /// </summary>
    public TimeSpan BackoffDuration { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets or sets how long one connection attempt may take. The default value is 2 seconds.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(2);

    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(KeyPrefix, nameof(KeyPrefix));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(OperationTimeout, TimeSpan.Zero, nameof(OperationTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThan(FailuresBeforeBackoff, 1, nameof(FailuresBeforeBackoff));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(BackoffDuration, TimeSpan.Zero, nameof(BackoffDuration));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ConnectTimeout, TimeSpan.Zero, nameof(ConnectTimeout));
    }
}
