using System.Buffers;
using System.Globalization;
using System.Text;

namespace Tributary.S3.Body;

/// <summary>
/// Decodes an <c>aws-chunked</c> request body (what the SDKs send with <c>x-amz-content-sha256:
/// STREAMING-AWS4-HMAC-SHA256-PAYLOAD</c>, <c>STREAMING-UNSIGNED-PAYLOAD-TRAILER</c> and their variants) into the
/// object's bytes while reading. The framing, per AWS's "Signature Calculations for the Authorization Header:
/// Transferring Payload in Multiple Chunks": chunks of <c>HEX-SIZE[;chunk-signature=SIG]\r\nDATA\r\n</c>, a last chunk
/// of size 0, then optional trailer lines (<c>x-amz-checksum-crc32:…</c>, <c>x-amz-trailer-signature:…</c>) and an
/// empty line. Chunk and trailer signatures are read past, not verified (the seed signature in the Authorization header
/// is, when credentials are configured). Broken framing is IncompleteBody. Not thread-safe (one request's body).
/// </summary>
public sealed class AwsChunkedStream : Stream
{
    /// <summary>A chunk header or trailer line longer than this is broken framing (real ones are under 200 bytes).</summary>
    private const int MaxLineBytes = 4096;

    private readonly Stream _inner;
    private readonly byte[] _buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
    private int _start;
    private int _end;
    private long _chunkRemaining;
    private State _state = State.Header;
    private bool _disposed;

    public AwsChunkedStream(Stream inner) => _inner = inner;

    private enum State
    {
        Header,
        Data,
        DataEnd,
        Done,
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> destination, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            switch (_state)
            {
                case State.Done:
                    return 0;
                case State.Header:
                    {
                        var line = await ReadLineAsync(cancellationToken).ConfigureAwait(false) ?? throw S3Errors.IncompleteBody();
                        var semicolon = line.IndexOf(';', StringComparison.Ordinal);
                        var hex = semicolon < 0 ? line : line[..semicolon];
                        if (!long.TryParse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out _chunkRemaining) || _chunkRemaining < 0)
                        {
                            throw S3Errors.IncompleteBody();
                        }
                        if (_chunkRemaining == 0)
                        {
                            // Trailer lines up to an empty line; a body that simply ends after the last chunk is accepted.
                            while (await ReadLineAsync(cancellationToken).ConfigureAwait(false) is { Length: > 0 })
                            {
                                // Checksums and the trailer signature: not checked (class comment).
                            }
                            _state = State.Done;
                            return 0;
                        }
                        _state = State.Data;
                        break;
                    }
                case State.Data:
                    {
                        if (destination.Length == 0)
                        {
                            return 0;
                        }
                        if (_start == _end && !await FillAsync(cancellationToken).ConfigureAwait(false))
                        {
                            throw S3Errors.IncompleteBody();
                        }
                        var count = (int)Math.Min(Math.Min(_end - _start, destination.Length), _chunkRemaining);
                        _buffer.AsSpan(_start, count).CopyTo(destination.Span);
                        _start += count;
                        _chunkRemaining -= count;
                        if (_chunkRemaining == 0)
                        {
                            _state = State.DataEnd;
                        }
                        return count;
                    }
                case State.DataEnd:
                    {
                        var line = await ReadLineAsync(cancellationToken).ConfigureAwait(false);
                        if (line is not { Length: 0 })
                        {
                            throw S3Errors.IncompleteBody();
                        }
                        _state = State.Header;
                        break;
                    }
            }
        }
    }

    /// <summary>The next line without its CRLF; null at the end of the body.</summary>
    private async ValueTask<string?> ReadLineAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var newline = _buffer.AsSpan(_start, _end - _start).IndexOf("\r\n"u8);
            if (newline >= 0)
            {
                var line = Encoding.ASCII.GetString(_buffer, _start, newline);
                _start += newline + 2;
                return line;
            }
            if (_end - _start > MaxLineBytes)
            {
                throw S3Errors.IncompleteBody();
            }
            if (!await FillAsync(cancellationToken).ConfigureAwait(false))
            {
                if (_start == _end)
                {
                    return null;
                }
                throw S3Errors.IncompleteBody();
            }
        }
    }

    /// <summary>Reads more of the inner body after what is buffered; false at its end.</summary>
    private async ValueTask<bool> FillAsync(CancellationToken cancellationToken)
    {
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }
        var read = await _inner.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
        _end += read;
        return read > 0;
    }

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_disposed)
        {
            _disposed = true;
            ArrayPool<byte>.Shared.Return(_buffer);
        }
        base.Dispose(disposing);
    }
}
