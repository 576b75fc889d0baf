namespace InvoiceGateway.Sandbox.Tests.Faults;

public class SandboxFaultsTests
{
    [Fact]
    public void Take_WithRemainingCountUnderConcurrency_AppliesExactlyThatManyTimes()
    {
        var faults = new SandboxFaults();
        faults.Set("dollr", new SandboxFault { Status = 500, RemainingCount = 100 });
        var applied = 0;

        Parallel.For(0, 1000, _ =>
        {
            if (faults.Take(SandboxApis.Names.ToList().IndexOf("dollr")) is not null)
            {
                Interlocked.Increment(ref applied);
            }
        });

        Assert.Equal(100, applied);
        Assert.Null(faults.Get("dollr"));
    }

    [Fact]
    public void Get_WithRemainingCount_ReportsWhatIsLeft()
    {
        var faults = new SandboxFaults();
        faults.Set("ibana", new SandboxFault { MalformedJson = true, RemainingCount = 3 });

        faults.Take(3);

        Assert.Equal(new SandboxFault { MalformedJson = true, RemainingCount = 2 }, faults.Get("ibana"));
    }

    [Fact]
    public void Take_WithoutRemainingCount_AppliesUntilCleared()
    {
        var faults = new SandboxFaults();
        faults.Set("goscore", new SandboxFault { Status = 500 });

        Assert.All(Enumerable.Range(0, 50), _ => Assert.NotNull(faults.Take(0)));
        faults.ClearAll();
        Assert.Null(faults.Take(0));
    }

    [Theory]
    [InlineData(-1, null, null)]
    [InlineData(0, 99, null)]
    [InlineData(0, null, -2)]
    public void Set_WithOutOfRangeValue_Throws(int latency, int? status, int? remaining)
    {
        var faults = new SandboxFaults();

        Assert.Throws<ArgumentException>(() => faults.Set("goscore", new SandboxFault { LatencyMs = latency, Status = status, RemainingCount = remaining }));
    }

    [Fact]
    public void Set_WithUnknownApi_Throws()
    {
        Assert.Throws<ArgumentException>(() => new SandboxFaults().Set("paypal", new SandboxFault()));
    }
}
