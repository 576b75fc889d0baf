namespace InvoiceGateway.Sandbox;

/// <summary>The faults currently injected, per API. Thread-safe; changes apply to the next request.</summary>
public sealed class SandboxFaults
{
    private readonly Slot?[] slots = new Slot?[SandboxApis.Count];

    /// <summary>Injects <paramref name="fault"/> into <paramref name="api"/>'s data endpoints, replacing any fault set before.</summary>
    /// <param name="api">One of <see cref="SandboxApis.Names"/>.</param>
    /// <param name="fault">The fault; a <see cref="SandboxFault.RemainingCount"/> of 0 clears the api's fault.</param>
    /// <exception cref="ArgumentException">Unknown api or an out-of-range value in the fault.</exception>
    public void Set(string api, SandboxFault fault)
    {
        ArgumentNullException.ThrowIfNull(fault);
        var index = SandboxApis.IndexOf(api);
        var problems = Validate(fault);
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", problems), nameof(fault));
        }

        var slot = fault.RemainingCount switch
        {
            null => new Slot(fault with { RemainingCount = null }, Unlimited),
            0 => null,
            var n => new Slot(fault with { RemainingCount = null }, n.Value),
        };
        Volatile.Write(ref slots[index], slot);
    }

    /// <summary>Removes <paramref name="api"/>'s fault.</summary>
    /// <param name="api">One of <see cref="SandboxApis.Names"/>.</param>
    public void Clear(string api) => Volatile.Write(ref slots[SandboxApis.IndexOf(api)], null);

    /// <summary>Removes every API's fault.</summary>
    public void ClearAll()
    {
        for (var i = 0; i < slots.Length; i++)
        {
            Volatile.Write(ref slots[i], null);
        }
    }

    /// <summary>The fault in force for <paramref name="api"/>, with its <see cref="SandboxFault.RemainingCount"/> as it stands now; <c>null</c> when none.</summary>
    /// <param name="api">One of <see cref="SandboxApis.Names"/>.</param>
    public SandboxFault? Get(string api)
    {
        var slot = Volatile.Read(ref slots[SandboxApis.IndexOf(api)]);
        if (slot is null)
        {
            return null;
        }

        if (slot.Remaining == Unlimited)
        {
            return slot.Fault;
        }

        var remaining = Volatile.Read(ref slot.Remaining);
        return remaining > 0 ? slot.Fault with { RemainingCount = remaining } : null;
    }

    /// <summary>The problems of a fault's values, empty when it is valid.</summary>
    internal static List<string> Validate(SandboxFault fault)
    {
        var problems = new List<string>();
        if (fault.LatencyMs < 0)
        {
            problems.Add("latencyMs must not be negative.");
        }

        if (fault.Status is < 200 or > 599)
        {
            problems.Add("status must be between 200 and 599.");
        }

        if (fault.RetryAfterSeconds < 0)
        {
            problems.Add("retryAfterSeconds must not be negative.");
        }

        if (fault.OversizedBytes < 0)
        {
            problems.Add("oversizedBytes must not be negative.");
        }

        if (fault.DeepNestingLevels < 1)
        {
            problems.Add("deepNestingLevels must be at least 1.");
        }

        if (fault.RemainingCount < 0)
        {
            problems.Add("remainingCount must not be negative.");
        }

        return problems;
    }

    /// <summary>The fault that applies to one data request to the api, counting it against <see cref="SandboxFault.RemainingCount"/>.</summary>
    internal SandboxFault? Take(int apiIndex)
    {
        var slot = Volatile.Read(ref slots[apiIndex]);
        if (slot is null)
        {
            return null;
        }

        if (slot.Remaining == Unlimited)
        {
            return slot.Fault;
        }

        var left = Interlocked.Decrement(ref slot.Remaining);
        if (left <= 0)
        {
            // Only this slot: a fault set meanwhile stays.
            Interlocked.CompareExchange(ref slots[apiIndex], null, slot);
        }

        return left >= 0 ? slot.Fault : null;
    }

    private const int Unlimited = -1;

    private sealed class Slot(SandboxFault fault, int remaining)
    {
        public readonly SandboxFault Fault = fault;
        public int Remaining = remaining;
    }
}
