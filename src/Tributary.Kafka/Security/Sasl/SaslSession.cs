using System.Buffers.Binary;
using Microsoft.Extensions.Logging;
using Tributary.Broker;
using Tributary.Foundation.Buffers;
using Tributary.Protocol.Kafka;
using Tributary.Protocol.Kafka.Messages;

namespace Tributary.Kafka.Security.Sasl;

/// <summary>
/// The SASL state of one connection on a SASL listener (Kafka's SaslServerAuthenticator): before authentication only
/// ApiVersions and SaslHandshake are served; after a v1 handshake only SaslAuthenticate; after a v0 handshake the
/// client's next frames are raw SASL tokens without a Kafka header, answered the same way (kafka-python). Once
/// authenticated, every request goes to the handlers, and a new SaslHandshake starts a re-authentication (KIP-368) that
/// must end with the same principal. With <c>connections.max.reauth.ms</c> set, a request other than a re-authentication
/// after the session expired closes the connection, as Kafka does.
/// Refusals follow Kafka: an unknown mechanism is answered with UNSUPPORTED_SASL_MECHANISM and the enabled list, a failed
/// SaslAuthenticate with SASL_AUTHENTICATION_FAILED and a message, then the connection closes; any other request in the
/// wrong state (a Produce before authenticating) closes the connection without an answer (ILLEGAL_SASL_STATE on the
/// broker's side). Not thread-safe: called by its connection's reader only, frame by frame in arrival order.
/// </summary>
public sealed class SaslSession
{
    private const short ApiVersionsKey = 18;

    private readonly KafkaSecurityOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly string _connectionId;
    private Phase _phase = Phase.Handshake;
    private ISaslServer? _server;
    private long _expiresAtMs = long.MaxValue;

    public SaslSession(KafkaSecurityOptions options, TimeProvider time, ILogger logger, string connectionId)
    {
        _options = options;
        _time = time;
        _logger = logger;
        _connectionId = connectionId;
    }

    private enum Phase
    {
        /// <summary>Waiting for SaslHandshake (ApiVersions allowed).</summary>
        Handshake,

        /// <summary>After a v1 handshake: SaslAuthenticate requests carry the tokens.</summary>
        Authenticate,

        /// <summary>After a v0 handshake: the next frames are raw tokens.</summary>
        RawTokens,

        /// <summary>Authenticated; requests go to the handlers.</summary>
        Authenticated,

        /// <summary>Refused: nothing more is read.</summary>
        Closed,
    }

    /// <summary>The authenticated principal (<c>User:name</c>), or null before authentication.</summary>
    public string? Principal { get; private set; }

    /// <summary>
    /// Whether <paramref name="frame"/> (without its length prefix) goes to the request processor as usual; otherwise
    /// <see cref="Process"/> answers it.
    /// </summary>
    public bool Passes(ReadOnlySpan<byte> frame)
    {
        if (frame.Length < 4)
        {
            return false;
        }
        var apiKey = BinaryPrimitives.ReadInt16BigEndian(frame);
        return _phase switch
        {
            Phase.Handshake => Principal is null ? apiKey == ApiVersionsKey : apiKey != SaslHandshakeRequest.ApiKey && apiKey != SaslAuthenticateRequest.ApiKey && !Expired(),
            Phase.Authenticated => apiKey != SaslHandshakeRequest.ApiKey && apiKey != SaslAuthenticateRequest.ApiKey && !Expired(),
            // During a re-authentication the client's other requests are still served (it is authenticated).
            Phase.Authenticate => Principal is not null && apiKey != SaslAuthenticateRequest.ApiKey && apiKey != SaslHandshakeRequest.ApiKey && !Expired(),
            _ => false,
        };
    }

    /// <summary>Answers a frame <see cref="Passes"/> turned away: a SASL step, or the refusal that closes the connection.</summary>
    public ProcessedRequest Process(ReadOnlyMemory<byte> frame)
    {
        if (_phase == Phase.RawTokens)
        {
            return RawToken(frame.Span);
        }
        if (_phase == Phase.Closed || frame.Length < 4)
        {
            return Refuse("a frame after the connection was refused");
        }
        var apiKey = BinaryPrimitives.ReadInt16BigEndian(frame.Span);
        if (Principal is not null && Expired() && apiKey != SaslHandshakeRequest.ApiKey)
        {
            return Refuse("a request after the session expired (connections.max.reauth.ms)");
        }
        return (_phase, apiKey) switch
        {
            (Phase.Handshake or Phase.Authenticated, SaslHandshakeRequest.ApiKey) => Handshake(frame),
            (Phase.Authenticate, SaslAuthenticateRequest.ApiKey) => Authenticate(frame),
            _ => Refuse($"API key {apiKey} in SASL state {_phase} (ILLEGAL_SASL_STATE)"),
        };
    }

    private bool Expired() => _expiresAtMs != long.MaxValue && _time.GetUtcNow().ToUnixTimeMilliseconds() >= _expiresAtMs;

    private ProcessedRequest Handshake(ReadOnlyMemory<byte> frame)
    {
        if (!TryDecode(frame, out SaslHandshakeRequest request, out var header, out var version))
        {
            return Refuse("a malformed SaslHandshake");
        }
        var response = new SaslHandshakeResponse { Mechanisms = [.. _options.EnabledMechanisms] };
        var server = _options.EnabledMechanisms.Contains(request.Mechanism, StringComparer.Ordinal) ? CreateServer(request.Mechanism) : null;
        if (server is null)
        {
            _logger.LogInformation("Closing {Connection}: SASL mechanism {Mechanism} is not enabled.", _connectionId, request.Mechanism);
            response.ErrorCode = (short)ErrorCode.UnsupportedSaslMechanism;
            _phase = Phase.Closed;
            return ProcessedRequest.Final(KafkaRequestProcessor.Encode(header.CorrelationId, 0, response, version));
        }
        if (Principal is not null && version == 0)
        {
            // KIP-368: a re-authentication needs SaslAuthenticate; raw tokens cannot be told from requests any more.
            return Refuse("a v0 SaslHandshake for re-authentication");
        }
        _server = server;
        _phase = version == 0 ? Phase.RawTokens : Phase.Authenticate;
        return new ProcessedRequest(true, KafkaRequestProcessor.Encode(header.CorrelationId, 0, response, version));
    }

    private ProcessedRequest Authenticate(ReadOnlyMemory<byte> frame)
    {
        if (!TryDecode(frame, out SaslAuthenticateRequest request, out var header, out var version))
        {
            return Refuse("a malformed SaslAuthenticate");
        }
        var step = Step(request.AuthBytes.Span);
        var response = new SaslAuthenticateResponse { AuthBytes = step.Token };
        var headerVersion = KafkaApis.All.First(a => a.ApiKey == SaslAuthenticateRequest.ApiKey).ResponseHeaderVersion(version);
        if (step.Kind == SaslStepKind.Failed)
        {
            response.ErrorCode = (short)ErrorCode.SaslAuthenticationFailed;
            response.ErrorMessage = step.Error;
            return ProcessedRequest.Final(KafkaRequestProcessor.Encode(header.CorrelationId, headerVersion, response, version));
        }
        if (step.Kind == SaslStepKind.Complete)
        {
            response.SessionLifetimeMs = _options.MaxReauthenticationMs;
        }
        return new ProcessedRequest(true, KafkaRequestProcessor.Encode(header.CorrelationId, headerVersion, response, version));
    }

    private ProcessedRequest RawToken(ReadOnlySpan<byte> token)
    {
        var step = Step(token);
        if (step.Kind == SaslStepKind.Failed)
        {
            // v0 has no way to carry an error: Kafka closes the connection.
            return ProcessedRequest.Close;
        }
        var output = new PooledBufferWriter(4 + step.Token.Length);
        var span = output.GetSpan(4 + step.Token.Length);
        BinaryPrimitives.WriteInt32BigEndian(span, step.Token.Length);
        step.Token.CopyTo(span[4..]);
        output.Advance(4 + step.Token.Length);
        return new ProcessedRequest(true, output);
    }

    /// <summary>Runs one token through the mechanism and moves the state on.</summary>
    private SaslStep Step(ReadOnlySpan<byte> token)
    {
        var step = _server!.Evaluate(token);
        switch (step.Kind)
        {
            case SaslStepKind.Failed:
                _logger.LogInformation("Closing {Connection}: SASL {Mechanism} authentication failed: {Reason}", _connectionId, _server.Mechanism, step.Error);
                _phase = Phase.Closed;
                break;
            case SaslStepKind.Complete when Principal is not null && Principal != step.Principal:
                _phase = Phase.Closed;
                return SaslStep.Fail("Cannot change principals during re-authentication from " + Principal + " to " + step.Principal);
            case SaslStepKind.Complete:
                Principal = step.Principal;
                _phase = Phase.Authenticated;
                _server = null;
                _expiresAtMs = _options.MaxReauthenticationMs > 0 ? _time.GetUtcNow().ToUnixTimeMilliseconds() + _options.MaxReauthenticationMs : long.MaxValue;
                break;
        }
        return step;
    }

    private ISaslServer? CreateServer(string mechanism) => mechanism switch
    {
        SaslMechanisms.Plain => new PlainSaslServer(_options.Credentials),
        SaslMechanisms.OAuthBearer => new OAuthBearerSaslServer(_options.CreateOAuthBearerValidators(), _time),
        SaslMechanisms.AwsMskIam when _options.MskIam is { } iam => new AwsMskIamSaslServer(iam, _time),
        _ => ScramFormatter.ForMechanism(mechanism) is { } formatter ? new ScramSaslServer(formatter, _options.Credentials) : null,
    };

    private ProcessedRequest Refuse(string what)
    {
        _logger.LogInformation("Closing {Connection}: {What}.", _connectionId, what);
        _phase = Phase.Closed;
        return ProcessedRequest.Close;
    }

    private static bool TryDecode<T>(ReadOnlyMemory<byte> frame, out T request, out RequestHeader header, out short version)
        where T : IKafkaMessage, new()
    {
        request = new T();
        header = new RequestHeader();
        version = BinaryPrimitives.ReadInt16BigEndian(frame.Span[2..]);
        var apiKey = BinaryPrimitives.ReadInt16BigEndian(frame.Span);
        var api = KafkaApis.All.First(a => a.ApiKey == apiKey);
        if (version < api.LowestVersion || version > api.HighestVersion)
        {
            return false;
        }
        try
        {
            var reader = new KafkaReader(frame);
            header.Read(ref reader, api.RequestHeaderVersion(version));
            request.Read(ref reader, version);
            return true;
        }
        catch (KafkaProtocolException)
        {
            return false;
        }
    }
}
