using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using Tributary.Client.Security;
using Tributary.Client.Security.Sasl;
using Tributary.Foundation.Buffers;
using Tributary.Protocol.Kafka;
using Tributary.Protocol.Kafka.Messages;

namespace Tributary.Client;

/// <summary>
/// One TCP connection to one Kafka broker. Requests are pipelined: each gets a correlation id and its own
/// waiter, a single read loop matches responses (which Kafka sends in request order) to waiters. On connect
/// the broker's API versions are read (ApiVersions v3, or v0 after an UNSUPPORTED_VERSION answer) so callers
/// can pick the highest version both sides speak. With <see cref="ClientSecurity"/> the TLS handshake comes first and
/// the SASL exchange (SaslHandshake v1, SaslAuthenticate v0–v2) right after ApiVersions, before any caller's request;
/// either failing is a <see cref="KafkaClientException"/> marked as an authentication failure, and no connection is
/// handed out. Thread-safe. A transport failure fails every waiting request and the connection stays failed (callers
/// open a new one; after a broker-enforced session lifetime (KIP-368) that is how this client re-authenticates).
/// </summary>
public sealed class KafkaConnection : IAsyncDisposable
{
    private const short ApiVersionsKey = 18, SaslHandshakeKey = 17, SaslAuthenticateKey = 36;

    private readonly TcpClient _tcp;
    private readonly Stream _stream;
    private readonly string _clientId;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly ConcurrentDictionary<int, Pending> _pending = new();
    private readonly CancellationTokenSource _closing = new();
    private readonly Task _reader;
    private IReadOnlyDictionary<short, (short Min, short Max)> _brokerVersions = new Dictionary<short, (short, short)>();
    private int _correlationId;
    private Exception? _failure;

    private KafkaConnection(TcpClient tcp, Stream stream, string clientId, string endpoint, TimeSpan requestTimeout)
    {
        _tcp = tcp;
        RequestTimeout = requestTimeout;
        _stream = stream;
        _clientId = clientId;
        Endpoint = endpoint;
        _reader = Task.Run(ReadLoopAsync);
    }

    /// <summary>host:port of the broker.</summary>
    public string Endpoint { get; }

    /// <summary>How long a request waits for its answer before failing with a retriable error.</summary>
    public TimeSpan RequestTimeout { get; }

    public bool IsFailed => Volatile.Read(ref _failure) is not null;

    /// <summary>
    /// Connects, does TLS when <paramref name="security"/> says so, reads the broker's API versions and authenticates
    /// with SASL when <paramref name="security"/> says so.
    /// </summary>
    public static async Task<KafkaConnection> ConnectAsync(string host, int port, string clientId, TimeSpan requestTimeout, CancellationToken cancellationToken = default, ClientSecurity? security = null)
    {
        security ??= ClientSecurity.Plaintext;
        var tcp = new TcpClient { NoDelay = true };
        try
        {
            await tcp.ConnectAsync(host, port, cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException e)
        {
            tcp.Dispose();
            throw new KafkaClientException(-1, $"Cannot connect to {host}:{port}: {e.Message}");
        }
        Stream stream = tcp.GetStream();
        if (security.Tls is { } tls)
        {
            stream = await HandshakeAsync(tcp, tls, host, port, requestTimeout, cancellationToken).ConfigureAwait(false);
        }
        var connection = new KafkaConnection(tcp, stream, clientId, $"{host}:{port}", requestTimeout);
        try
        {
            await connection.NegotiateAsync(cancellationToken).ConfigureAwait(false);
            if (security.Sasl is { } sasl)
            {
                await connection.AuthenticateAsync(sasl, host, cancellationToken).ConfigureAwait(false);
            }
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The TLS handshake, bounded by the request timeout (a listener that never answers must not hang the caller).</summary>
    private static async Task<SslStream> HandshakeAsync(TcpClient tcp, ClientTls tls, string host, int port, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var ssl = new SslStream(tcp.GetStream(), leaveInnerStreamOpen: false);
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(timeout);
        try
        {
            await ssl.AuthenticateAsClientAsync(tls.OptionsFor(host), bounded.Token).ConfigureAwait(false);
            return ssl;
        }
        catch (Exception e) when (e is AuthenticationException or IOException or OperationCanceledException)
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            tcp.Dispose();
            cancellationToken.ThrowIfCancellationRequested();
            var reason = e switch
            {
                AuthenticationException => e.InnerException is { } inner ? $"{e.Message} ({inner.Message})" : e.Message,
                OperationCanceledException => $"no answer within {timeout.TotalMilliseconds} ms",
                _ => e.Message + " (is the listener TLS?)",
            };
            throw new KafkaClientException(-1, $"TLS handshake with {host}:{port} failed: {reason}", authentication: true);
        }
    }

    /// <summary>
    /// SaslHandshake v1 naming the mechanism, then SaslAuthenticate (the highest of v0–v2 the broker speaks) until the
    /// mechanism's exchange is complete. An error answer ends it: UNSUPPORTED_SASL_MECHANISM with the broker's list,
    /// SASL_AUTHENTICATION_FAILED with the broker's message.
    /// </summary>
    private async Task AuthenticateAsync(ISaslClientMechanism sasl, string host, CancellationToken cancellationToken)
    {
        if (VersionFor(SaslHandshakeKey) is not { } handshakeVersion || handshakeVersion < 1 || VersionFor(SaslAuthenticateKey, 2) is not { } authenticateVersion)
        {
            throw new KafkaClientException(35, $"{Endpoint} does not speak SaslHandshake v1 and SaslAuthenticate: it is not a SASL listener this client can use.", authentication: true);
        }
        var handshake = await SendAsync<SaslHandshakeResponse>(new SaslHandshakeRequest { Mechanism = sasl.Name }, SaslHandshakeKey, 1, cancellationToken).ConfigureAwait(false);
        switch (handshake.ErrorCode)
        {
            case 0:
                break;
            case 33:
                throw new KafkaClientException(33, $"{Endpoint} does not offer SASL mechanism {sasl.Name} (it offers {string.Join(", ", handshake.Mechanisms)}).", authentication: true);
            case 34:
                throw new KafkaClientException(34, $"{Endpoint} is not a SASL listener (ILLEGAL_SASL_STATE): check security.protocol.", authentication: true);
            default:
                throw new KafkaClientException(handshake.ErrorCode, $"SaslHandshake with {Endpoint} failed with error {handshake.ErrorCode}.", authentication: true);
        }
        var exchange = sasl.Start(host);
        var token = exchange.Next(null);
        while (token is not null)
        {
            var answer = await SendAsync<SaslAuthenticateResponse>(new SaslAuthenticateRequest { AuthBytes = token }, SaslAuthenticateKey, authenticateVersion, cancellationToken).ConfigureAwait(false);
            if (answer.ErrorCode != 0)
            {
                throw new KafkaClientException(answer.ErrorCode, $"SASL authentication with {Endpoint} failed ({sasl.Name}): {answer.ErrorMessage}", authentication: true);
            }
            token = exchange.Next(answer.AuthBytes.ToArray());
        }
    }

    /// <summary>
    /// The highest version of <paramref name="apiKey"/> both the broker and our definitions speak, at most
    /// <paramref name="ceiling"/>; null when there is none.
    /// </summary>
    public short? VersionFor(short apiKey, short ceiling = short.MaxValue)
    {
        var ours = KafkaApis.All.FirstOrDefault(a => a.ApiKey == apiKey);
        if (ours.Name is null || !_brokerVersions.TryGetValue(apiKey, out var broker))
        {
            return null;
        }
        var high = Math.Min(Math.Min(ours.HighestVersion, broker.Max), ceiling);
        var low = Math.Max(ours.LowestVersion, broker.Min);
        return high >= low ? (short)high : null;
    }

    /// <summary>Sends a request at the highest common version (at most <paramref name="ceiling"/>) and returns the response.</summary>
    public Task<TResponse> SendNegotiatedAsync<TResponse>(IKafkaMessage request, short apiKey, short ceiling = short.MaxValue, CancellationToken cancellationToken = default)
        where TResponse : IKafkaMessage, new()
    {
        var version = VersionFor(apiKey, ceiling) ?? throw new KafkaClientException(35, $"{Endpoint} does not support API key {apiKey} at a version this client speaks.");
        return SendAsync<TResponse>(request, apiKey, version, cancellationToken);
    }

    /// <summary>Sends a request of an explicit version and returns the decoded response.</summary>
    public async Task<TResponse> SendAsync<TResponse>(IKafkaMessage request, short apiKey, short version, CancellationToken cancellationToken)
        where TResponse : IKafkaMessage, new() =>
        (await SendCoreAsync<TResponse>(request, apiKey, version, leased: false, cancellationToken).ConfigureAwait(false)).Response;

    /// <summary>
    /// As <see cref="SendAsync{TResponse}"/>, for a large response the caller is done with soon (a fetch whose records it
    /// copies out): the frame is read into a pooled array instead of a fresh one, and disposing the lease returns it. A
    /// fresh megabyte array per fetch lands on the large object heap, and those allocations were what drove the
    /// consumer's full collections (about one every three fetches). The response's byte fields (record sets) are slices
    /// of the pooled array: they must not be used after the lease is disposed.
    /// </summary>
    public async Task<LeasedResponse<TResponse>> SendLeasedAsync<TResponse>(IKafkaMessage request, short apiKey, short version, CancellationToken cancellationToken)
        where TResponse : IKafkaMessage, new()
    {
        var (response, rented) = await SendCoreAsync<TResponse>(request, apiKey, version, leased: true, cancellationToken).ConfigureAwait(false);
        return new LeasedResponse<TResponse>(response, rented);
    }

    private async Task<(TResponse Response, byte[]? Rented)> SendCoreAsync<TResponse>(IKafkaMessage request, short apiKey, short version, bool leased, CancellationToken cancellationToken)
        where TResponse : IKafkaMessage, new()
    {
        var api = KafkaApis.All.First(a => a.ApiKey == apiKey);
        var pending = new Pending(api, version, leased, new TaskCompletionSource<Frame>(TaskCreationOptions.RunContinuationsAsynchronously));
        var correlationId = Interlocked.Increment(ref _correlationId);
        _pending[correlationId] = pending;
        byte[]? rented = null;
        try
        {
            await WriteAsync(correlationId, api, version, request, cancellationToken).ConfigureAwait(false);
            var frame = await pending.Response.Task.WaitAsync(RequestTimeout, cancellationToken).ConfigureAwait(false);
            rented = frame.Rented;
            var reader = new KafkaReader(frame.Bytes);
            var header = new ResponseHeader();
            header.Read(ref reader, api.ResponseHeaderVersion(version));
            var response = new TResponse();
            response.Read(ref reader, version);
            var result = (response, rented);
            rented = null;
            return result;
        }
        catch (KafkaProtocolException e)
        {
            throw new KafkaClientException(-1, $"Malformed {api.Name} v{version} response from {Endpoint}: {e.Message}");
        }
        catch (TimeoutException)
        {
            throw new KafkaClientException(7, $"{api.Name} to {Endpoint} got no answer within {RequestTimeout.TotalMilliseconds} ms.");
        }
        finally
        {
            _pending.TryRemove(correlationId, out _);
            if (rented is not null)
            {
                LeasedFrames.Return(rented);
            }
        }
    }

    /// <summary>Sends a request the broker does not answer (a produce with acks=0).</summary>
    public Task SendWithoutResponseAsync(IKafkaMessage request, short apiKey, short version, CancellationToken cancellationToken = default)
    {
        var api = KafkaApis.All.First(a => a.ApiKey == apiKey);
        return WriteAsync(Interlocked.Increment(ref _correlationId), api, version, request, cancellationToken);
    }

    private async Task NegotiateAsync(CancellationToken cancellationToken)
    {
        var request = new ApiVersionsRequest { ClientSoftwareName = "tributary-client", ClientSoftwareVersion = "1" };
        var response = await SendAsync<ApiVersionsResponse>(request, ApiVersionsKey, 3, cancellationToken).ConfigureAwait(false);
        if (response.ErrorCode == 35)
        {
            // KIP-511: the broker answered in the v0 layout; ask again at a version it lists (v0 always works).
            response = await SendAsync<ApiVersionsResponse>(new ApiVersionsRequest(), ApiVersionsKey, 0, cancellationToken).ConfigureAwait(false);
        }
        if (response.ErrorCode != 0)
        {
            throw new KafkaClientException(response.ErrorCode, $"ApiVersions to {Endpoint} failed with error {response.ErrorCode}.");
        }
        _brokerVersions = response.ApiKeys.ToDictionary(k => k.ApiKey, k => (k.MinVersion, k.MaxVersion));
    }

    private async Task WriteAsync(int correlationId, KafkaApiInfo api, short version, IKafkaMessage request, CancellationToken cancellationToken)
    {
        if (_failure is { } failure)
        {
            throw new KafkaClientException(-1, $"Connection to {Endpoint} failed: {failure.Message}");
        }
        using var buffer = new PooledBufferWriter(256);
        buffer.Advance(4);
        var writer = new KafkaWriter(buffer);
        new RequestHeader { ApiKey = api.ApiKey, ApiVersion = version, CorrelationId = correlationId, ClientId = _clientId }.Write(writer, api.RequestHeaderVersion(version));
        request.Write(writer, version);
        BinaryPrimitives.WriteInt32BigEndian(buffer.WrittenSpanMutable, buffer.WrittenCount - 4);
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Not cancellable once started: a frame cut short would corrupt the stream every caller shares.
            await _stream.WriteAsync(buffer.WrittenMemory, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or AuthenticationException)
        {
            Fail(e);
            throw new KafkaClientException(-1, $"Writing to {Endpoint} failed: {e.Message}");
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private async Task ReadLoopAsync()
    {
        var prefix = new byte[8];
        try
        {
            while (true)
            {
                // Size and correlation id first: the waiter decides where the rest of the frame goes.
                await _stream.ReadExactlyAsync(prefix, _closing.Token).ConfigureAwait(false);
                var size = BinaryPrimitives.ReadInt32BigEndian(prefix);
                if (size < 4)
                {
                    throw new IOException($"Response frame of {size} bytes.");
                }
                var correlationId = BinaryPrimitives.ReadInt32BigEndian(prefix.AsSpan(4));
                _pending.TryGetValue(correlationId, out var pending);
                // Own array per response unless the waiter leases it: decoded responses keep slices of it (record sets).
                var rented = pending is { Leased: true } ? LeasedFrames.Rent(size) : null;
                var frame = rented ?? new byte[size];
                BinaryPrimitives.WriteInt32BigEndian(frame, correlationId);
                await _stream.ReadExactlyAsync(frame.AsMemory(4, size - 4), _closing.Token).ConfigureAwait(false);
                if (pending is null || !pending.Response.TrySetResult(new Frame(frame.AsMemory(0, size), rented)))
                {
                    if (rented is not null)
                    {
                        LeasedFrames.Return(rented);
                    }
                }
            }
        }
        catch (Exception e)
        {
            Fail(e is EndOfStreamException ? new IOException("The broker closed the connection.") : e);
        }
    }

    private void Fail(Exception e)
    {
        Interlocked.CompareExchange(ref _failure, e, null);
        foreach (var pending in _pending.Values)
        {
            pending.Response.TrySetException(new KafkaClientException(-1, $"Connection to {Endpoint} failed: {e.Message}"));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _closing.CancelAsync().ConfigureAwait(false);
        await _stream.DisposeAsync().ConfigureAwait(false);
        _tcp.Dispose();
        try
        {
            await _reader.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        Fail(new ObjectDisposedException(nameof(KafkaConnection)));
        _closing.Dispose();
        _writeLock.Dispose();
    }

    private sealed record Pending(KafkaApiInfo Api, short Version, bool Leased, TaskCompletionSource<Frame> Response);

    /// <summary>A response frame; <see cref="Rented"/> is its pooled array when the waiter leased one.</summary>
    private readonly record struct Frame(ReadOnlyMemory<byte> Bytes, byte[]? Rented);

    /// <summary>
    /// The arrays of leased response frames. Its own pool, not the shared one: these are large (a fetch's megabyte), few
    /// at a time (one per fetch in flight), and kept for reuse rather than trimmed under memory pressure.
    /// </summary>
    internal static readonly System.Buffers.ArrayPool<byte> LeasedFrames = System.Buffers.ArrayPool<byte>.Create(maxArrayLength: 64 * 1024 * 1024, maxArraysPerBucket: 8);
}
