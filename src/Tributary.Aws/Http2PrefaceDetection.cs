using System.Buffers;
using System.IO.Pipelines;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;

namespace Tributary.Aws;

/// <summary>
/// Lets one cleartext Kestrel endpoint serve HTTP/1.1 and HTTP/2 with prior knowledge (RFC 9113 §3.3), decided per
/// connection by its first bytes. Kestrel alone cannot: on an <c>Http1AndHttp2</c> endpoint without TLS it always
/// picks HTTP/1.1, because it decides by ALPN and cleartext has none. So this connection middleware reads (without
/// consuming) until the bytes either equal the client connection preface <c>PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n</c> or
/// differ from it, and for a preface tells Kestrel's protocol selection "ALPN said h2". No HTTP/1.1 request line can
/// begin with the preface (<c>PRI</c> is no HTTP/1.1 method AWS clients send; Kestrel answers it as HTTP/1.1 as before
/// once the bytes differ from the preface). The bytes stay in the transport for Kestrel to parse.
/// The endpoint must allow alternate schemes: the fake TLS feature makes Kestrel's expected scheme "https", while
/// HTTP/2 clients send <c>:scheme http</c>.
/// </summary>
internal static class Http2PrefaceDetection
{
    private static readonly byte[] Preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8.ToArray();

    private static readonly byte[] H2 = "h2"u8.ToArray();

    /// <summary>The connection middleware for <c>ListenOptions.Use</c>.</summary>
    public static ConnectionDelegate Middleware(ConnectionDelegate next) => async connection =>
    {
        if (await StartsWithPrefaceAsync(connection.Transport.Input, connection.ConnectionClosed).ConfigureAwait(false))
        {
            connection.Features.Set<ITlsConnectionFeature>(PriorKnowledge.Instance);
            connection.Features.Set<ITlsApplicationProtocolFeature>(PriorKnowledge.Instance);
        }
        await next(connection).ConfigureAwait(false);
    };

    /// <summary>
    /// Reads until the input equals or differs from the preface, consuming nothing. A pipe may not have its examined
    /// position moved back, so after a read that was not enough the next one reports the earlier end as examined: the
    /// bytes after it are unexamined and Kestrel's first read returns them at once.
    /// </summary>
    internal static async ValueTask<bool> StartsWithPrefaceAsync(PipeReader input, CancellationToken cancellationToken)
    {
        long examined = 0;
        while (true)
        {
            ReadResult result;
            try
            {
                result = await input.ReadAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return false;
            }
            var buffer = result.Buffer;
            var verdict = Compare(buffer);
            if (verdict is null && !result.IsCompleted && !result.IsCanceled)
            {
                input.AdvanceTo(buffer.Start, buffer.End);
                examined = buffer.Length;
                continue;
            }
            input.AdvanceTo(buffer.Start, buffer.GetPosition(examined));
            return verdict == true;
        }
    }

    /// <summary>true: the preface; false: not it; null: a prefix of it so far.</summary>
    private static bool? Compare(ReadOnlySequence<byte> buffer)
    {
        var length = (int)Math.Min(buffer.Length, Preface.Length);
        Span<byte> head = stackalloc byte[Preface.Length];
        buffer.Slice(0, length).CopyTo(head);
        if (!head[..length].SequenceEqual(Preface.AsSpan(0, length)))
        {
            return false;
        }
        return length == Preface.Length ? true : null;
    }

    /// <summary>What Kestrel's protocol selection reads: a "TLS" connection whose ALPN chose h2.</summary>
    private sealed class PriorKnowledge : ITlsConnectionFeature, ITlsApplicationProtocolFeature
    {
        public static readonly PriorKnowledge Instance = new();

        public X509Certificate2? ClientCertificate { get => null; set { } }

        public ReadOnlyMemory<byte> ApplicationProtocol => H2;

        public Task<X509Certificate2?> GetClientCertificateAsync(CancellationToken cancellationToken) => Task.FromResult<X509Certificate2?>(null);
    }
}
