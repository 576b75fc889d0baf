using System.Diagnostics;
using InvoiceGateway.Testing;

namespace InvoiceGateway.Caching.Tests;

/// <summary>The redis-server fixture itself.</summary>
public sealed class RedisServerTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task StartAsync_WhenRedisServerIsInstalled_AnswersPingOnALoopbackPort()
    {
        await using var redis = await RedisServer.StartAsync(Ct);

        Assert.True(await redis.PingAsync(Ct));
        Assert.Equal($"127.0.0.1:{redis.Port}", redis.Configuration);
        Assert.False(redis.IsExternal);
    }

    [Fact]
    public async Task StartAsync_ChoosesAContainerExactlyWhenADockerEngineAnswers()
    {
        await using var redis = await RedisServer.StartAsync(Ct);

        var engine = await DockerEngine.IsReachableAsync(Ct);

        Assert.Equal(engine, redis.IsContainer);
        Assert.Equal(!engine, redis.ProcessId is not null);
    }

    [Fact]
    public async Task StartAsync_WhenCalledTwice_StartsServersOnDifferentPorts()
    {
        await using var first = await RedisServer.StartAsync(Ct);
        await using var second = await RedisServer.StartAsync(Ct);

        Assert.NotEqual(first.Port, second.Port);
    }

    [Fact]
    public async Task RestartAsync_AfterStopAsync_AnswersAgainOnTheSamePort()
    {
        await using var redis = await RedisServer.StartAsync(Ct);
        var port = redis.Port;

        await redis.StopAsync();
        var answeredWhileStopped = await redis.PingAsync(Ct);
        await redis.RestartAsync(Ct);

        Assert.False(answeredWhileStopped);
        Assert.Equal(port, redis.Port);
        Assert.True(await redis.PingAsync(Ct));
    }

    [Fact]
    public async Task PauseAsync_FreezesTheServerUntilResumeAsync()
    {
        await using var redis = await RedisServer.StartAsync(Ct);

        await redis.PauseAsync();
        var answeredWhilePaused = await redis.PingAsync(Ct);
        await redis.ResumeAsync();

        Assert.False(answeredWhilePaused);
        Assert.True(await redis.PingAsync(Ct));
    }

    [Fact]
    public async Task DisposeAsync_KillsTheRedisServerProcess()
    {
        var redis = await RedisServer.StartAsync(Ct);
        var pid = redis.ProcessId!.Value;
        var runningBefore = IsRunning(pid);

        await redis.DisposeAsync();

        Assert.True(runningBefore);
        Assert.False(IsRunning(pid));
        Assert.False(await redis.PingAsync(Ct));
        Assert.Null(redis.ProcessId);
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
