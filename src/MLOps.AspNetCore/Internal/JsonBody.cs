using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace MLOps.AspNetCore.Internal;

/// <summary>Reads a JSON request body within the configured size and depth limits, or says why not as ProblemDetails.</summary>
internal static class JsonBody
{
    /// <summary>
    /// Reads the body into one pooled buffer (sized from Content-Length when known) and parses it in place. Dispose the
    /// result to release the document and return the buffer.
    /// </summary>
    /// <remarks>
    /// Every way a client can get this wrong is a 4xx with ProblemDetails, never a 500: a wrong content type (415), a body
    /// over the limit (413), a malformed transfer (a bad chunk, a body shorter than its Content-Length: Kestrel's
    /// <see cref="BadHttpRequestException"/> or an <see cref="IOException"/>, 400), JSON that does not parse (400), and
    /// JSON text that parses but is not Unicode (a lone surrogate, invalid or overlong UTF-8, NUL; see
    /// <see cref="JsonText"/>), so no endpoint ever meets a string it cannot decode.
    /// </remarks>
    public static async Task<(PooledJsonDocument? Document, IResult? Problem)> ReadAsync(HttpContext http, MLOpsEndpointOptions options)
    {
        HttpRequest request = http.Request;
        if (!request.HasJsonContentType())
        {
            return (null, Problems.UnsupportedMediaType(request.ContentType));
        }

        long max = options.MaxRequestBodySize;
        if (request.ContentLength > max)
        {
            return (null, Problems.TooLarge($"The request body is {request.ContentLength} bytes; the limit is {max} bytes."));
        }

        // One byte more than the announced length, so the end of the body is seen without growing the buffer.
        long cap = Math.Min(max, Array.MaxLength - 1);
        long announced = request.ContentLength is long n && n > 0 ? n + 1 : 4096;
        byte[]? buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(announced, cap + 1));
        try
        {
            int total = 0;
            while (true)
            {
                if (total == buffer.Length)
                {
                    // Full: grow (to at most cap + 1 bytes, enough to tell a body of exactly the limit from a longer one).
                    if (total > cap)
                    {
                        return (null, Problems.TooLarge($"The request body exceeds the limit of {cap} bytes."));
                    }

                    byte[] grown = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)buffer.Length * 2, cap + 1));
                    buffer.AsSpan(0, total).CopyTo(grown);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = grown;
                }

                int read;
                try
                {
                    read = await request.Body.ReadAsync(buffer.AsMemory(total), http.RequestAborted).ConfigureAwait(false);
                }
                catch (BadHttpRequestException ex)
                {
                    // Kestrel's verdict on the framing (bad chunk, body shorter than Content-Length, over its own limit).
                    return (null, Problems.MalformedBody(ex.StatusCode, ex.Message));
                }
                catch (IOException ex)
                {
                    // Kestrel reports some framing errors (a chunk size that overflows) and resets as plain IOExceptions.
                    return (null, Problems.MalformedBody(StatusCodes.Status400BadRequest, ex.Message));
                }
                catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
                {
                    // The client went away mid-body: nobody reads this answer, but it is the client's doing (499), not a 500.
                    return (null, Problems.MalformedBody(StatusCodes.Status499ClientClosedRequest, "the client closed the connection."));
                }

                if (read == 0)
                {
                    break;
                }

                total += read;
                if (total > max)
                {
                    return (null, Problems.TooLarge($"The request body exceeds the limit of {max} bytes."));
                }
            }

            if (total == 0)
            {
                return (null, Problems.BadRequest("The request body is empty; send a JSON document."));
            }

            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(buffer.AsMemory(0, total), new JsonDocumentOptions { MaxDepth = options.MaxJsonDepth });
            }
            catch (JsonException ex)
            {
                return (null, Problems.BadRequest($"The request body is not valid JSON: {ex.Message}"));
            }

            if (JsonText.FindInvalidText(buffer.AsSpan(0, total), options.MaxJsonDepth) is { } invalid)
            {
                document.Dispose();
                return (null, Problems.BadRequest(invalid));
            }

            var result = new PooledJsonDocument(document, buffer);
            buffer = null;   // owned by the result now
            return (result, null);
        }
        finally
        {
            if (buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }
}

/// <summary>A <see cref="JsonDocument"/> parsed in place over a pooled buffer; disposing returns the buffer.</summary>
internal sealed class PooledJsonDocument(JsonDocument document, byte[] buffer) : IDisposable
{
    private byte[]? _buffer = buffer;

    public JsonElement RootElement => document.RootElement;

    public void Dispose()
    {
        document.Dispose();
        if (Interlocked.Exchange(ref _buffer, null) is { } rented)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }
}
