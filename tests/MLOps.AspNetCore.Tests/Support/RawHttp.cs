using System.Net.Sockets;
using System.Text;

namespace MLOps.AspNetCore.Tests.Support;

/// <summary>
/// Sends exact bytes to a Kestrel address over a raw socket and reads back every response until the server closes the
/// connection: for what <see cref="HttpClient"/> will not send (bad chunk framing, a Content-Length that lies, invalid
/// bytes in the request line or headers).
/// </summary>
public static class RawHttp
{
    /// <summary>One response read off the wire.</summary>
    public sealed record Response(int Status, string? ContentType, string Body);

    /// <summary>
    /// Writes <paramref name="request"/> (tolerating a server that answers and closes before it is all written),
    /// optionally half-closes the sending side, and reads responses until the server closes or
    /// <paramref name="timeout"/> passes.
    /// </summary>
    public static async Task<IReadOnlyList<Response>> SendAsync(Uri address, byte[] request, bool closeSend = false, TimeSpan? timeout = null)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(address.Host, address.Port);
        NetworkStream stream = client.GetStream();
        try
        {
            await stream.WriteAsync(request);
            if (closeSend)
            {
                client.Client.Shutdown(SocketShutdown.Send);
            }
        }
        catch (IOException)
        {
            // The server answered (say 413 or 414) and closed before the request was all written: read what it said.
        }

        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(15));
        var received = new MemoryStream();
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                int read = await stream.ReadAsync(buffer, cts.Token);
                if (read == 0)
                {
                    break;
                }

                received.Write(buffer, 0, read);
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or SocketException)
        {
            // Reset, or the server kept the connection open (it answered and waits for the next request).
        }

        return Parse(received.ToArray());
    }

    /// <summary>A request with the given head lines (CRLF added) and body bytes.</summary>
    public static byte[] Request(string method, string target, IEnumerable<string> headers, ReadOnlySpan<byte> body)
    {
        var head = new StringBuilder();
        head.Append(method).Append(' ').Append(target).Append(" HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n");
        foreach (string header in headers)
        {
            head.Append(header).Append("\r\n");
        }

        head.Append("\r\n");
        return [.. Encoding.Latin1.GetBytes(head.ToString()), .. body];
    }

    private static List<Response> Parse(byte[] data)
    {
        var responses = new List<Response>();
        int position = 0;
        while (position < data.Length)
        {
            int end = IndexOf(data, "\r\n\r\n"u8, position);
            if (end < 0)
            {
                break;
            }

            string[] lines = Encoding.Latin1.GetString(data, position, end - position).Split("\r\n");
            string[] statusLine = lines[0].Split(' ', 3);
            if (statusLine.Length < 2 || !statusLine[0].StartsWith("HTTP/", StringComparison.Ordinal) || !int.TryParse(statusLine[1], out int status))
            {
                throw new InvalidDataException($"Not an HTTP response: {lines[0]}");
            }

            string? Header(string name) => lines.Skip(1).Where(l => l.StartsWith(name + ":", StringComparison.OrdinalIgnoreCase))
                .Select(l => l[(name.Length + 1)..].Trim()).FirstOrDefault();

            position = end + 4;
            var body = new MemoryStream();
            if (Header("Transfer-Encoding")?.Contains("chunked", StringComparison.OrdinalIgnoreCase) == true)
            {
                while (position < data.Length)
                {
                    int lineEnd = IndexOf(data, "\r\n"u8, position);
                    int size = Convert.ToInt32(Encoding.Latin1.GetString(data, position, lineEnd - position).Split(';')[0], 16);
                    position = lineEnd + 2;
                    if (size == 0)
                    {
                        position = Math.Min(data.Length, IndexOf(data, "\r\n"u8, position) + 2);
                        break;
                    }

                    body.Write(data, position, Math.Min(size, data.Length - position));
                    position += size + 2;
                }
            }
            else
            {
                int length = int.TryParse(Header("Content-Length"), out int n) ? n : data.Length - position;
                length = Math.Min(length, data.Length - position);
                body.Write(data, position, length);
                position += length;
            }

            responses.Add(new Response(status, Header("Content-Type"), Encoding.UTF8.GetString(body.ToArray())));
        }

        return responses;
    }

    private static int IndexOf(byte[] data, ReadOnlySpan<byte> value, int start)
    {
        int index = data.AsSpan(start).IndexOf(value);
        return index < 0 ? -1 : start + index;
    }
}
