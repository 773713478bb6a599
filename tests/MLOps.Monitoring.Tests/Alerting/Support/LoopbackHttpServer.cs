using System.Collections.Concurrent;
using System.Collections.Specialized;
using System.Net;
using System.Net.Sockets;

namespace MLOps.Monitoring.Tests.Alerting.Support;

/// <summary>
/// A real HTTP server on 127.0.0.1 and a free port (<see cref="HttpListener"/>), answering each request with the
/// status <see cref="Respond"/> returns for its 1-based number; <see cref="HangForever"/> never answers. Records every
/// request's headers and body. <see cref="Headers"/>, when set, adds response headers by request number.
/// </summary>
internal sealed class LoopbackHttpServer : IDisposable
{
    public const int HangForever = -1;

    private readonly HttpListener _listener = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _count;

    public LoopbackHttpServer(Func<int, int> respond, Func<int, IReadOnlyDictionary<string, string>>? headers = null)
    {
        Respond = respond;
        Headers = headers;
        for (int attempt = 0; ; attempt++)
        {
            int port = FreePort();
            _listener.Prefixes.Clear();
            _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            try
            {
                _listener.Start();
                Url = new Uri($"http://127.0.0.1:{port}/hooks/alerts");
                break;
            }
            catch (HttpListenerException) when (attempt < 5)
            {
            }
        }

        _loop = Task.Run(AcceptLoopAsync);
    }

    public Func<int, int> Respond { get; }

    public Func<int, IReadOnlyDictionary<string, string>>? Headers { get; }

    public Uri Url { get; } = null!;

    public ConcurrentQueue<ReceivedRequest> Requests { get; } = new();

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Close();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
        }

        _stop.Dispose();
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (HttpListenerException)
            {
                return;
            }

            _ = Task.Run(() => HandleAsync(context));
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        using var body = new MemoryStream();
        await context.Request.InputStream.CopyToAsync(body);
        int number = Interlocked.Increment(ref _count);
        Requests.Enqueue(new ReceivedRequest(context.Request.HttpMethod, context.Request.Url!.AbsolutePath, new NameValueCollection(context.Request.Headers), body.ToArray()));
        int status = Respond(number);
        if (status == HangForever)
        {
            try
            {
                await Task.Delay(Timeout.Infinite, _stop.Token);
            }
            catch (OperationCanceledException)
            {
            }

            context.Response.Abort();
            return;
        }

        context.Response.StatusCode = status;
        foreach ((string name, string value) in Headers?.Invoke(number) ?? new Dictionary<string, string>())
        {
            context.Response.Headers[name] = value;
        }

        context.Response.Close();
    }

    public sealed record ReceivedRequest(string Method, string Path, NameValueCollection Headers, byte[] Body);
}
