using System.Net.Sockets;
using System.Text;

namespace InvoiceGateway.Testing;

/// <summary>
/// Whether a Docker engine answers here, found by asking it (<c>GET /_ping</c> on <c>DOCKER_HOST</c> or
/// <c>/var/run/docker.sock</c>), not by a setting: fixtures use containers where one does, and local
/// processes where none does (as on the CI machines).
/// </summary>
public static class DockerEngine
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);
    private static Task<bool>? s_reachable;

    /// <summary>Asks the engine once per process.</summary>
    /// <param name="ct">Cancels the wait (not the check).</param>
    /// <returns>Whether the engine answered <c>OK</c> to a ping.</returns>
    public static Task<bool> IsReachableAsync(CancellationToken ct = default) =>
        (s_reachable ??= PingAsync()).WaitAsync(ct);

    private static async Task<bool> PingAsync()
    {
        var host = Environment.GetEnvironmentVariable("DOCKER_HOST");
        try
        {
            using var timeout = new CancellationTokenSource(Timeout);
            if (host is not null && host.StartsWith("tcp://", StringComparison.OrdinalIgnoreCase))
            {
                using var http = new HttpClient { Timeout = Timeout };
                var answer = await http.GetStringAsync(new Uri(new Uri("http://" + host["tcp://".Length..]), "/_ping"), timeout.Token).ConfigureAwait(false);
                return answer == "OK";
            }

            var socketPath = host is not null && host.StartsWith("unix://", StringComparison.OrdinalIgnoreCase)
                ? host["unix://".Length..]
                : "/var/run/docker.sock";
            if (!File.Exists(socketPath))
            {
                return false;
            }

            using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), timeout.Token).ConfigureAwait(false);
            await socket.SendAsync("GET /_ping HTTP/1.0\r\nHost: docker\r\n\r\n"u8.ToArray(), timeout.Token).ConfigureAwait(false);
            var buffer = new byte[1024];
            var read = await socket.ReceiveAsync(buffer, timeout.Token).ConfigureAwait(false);
            var text = Encoding.ASCII.GetString(buffer, 0, read);
            return text.StartsWith("HTTP/1.", StringComparison.Ordinal) && text.Contains(" 200 ", StringComparison.Ordinal);
        }
        catch (Exception ex) when (ex is SocketException or IOException or HttpRequestException or OperationCanceledException or UriFormatException)
        {
            return false;
        }
    }
}
