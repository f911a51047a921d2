namespace Tributary.ObjectStores.Tests;

/// <summary>
/// The test assembly's entry point (GenerateProgramFile is off): when started as <c>dotnet Tributary.ObjectStores.Tests.dll
/// local-store-crash-writer ROOT BUCKET KEY</c> it is the child process of the local store's crash test. It puts an
/// object whose content stream announces "writing" after its first megabyte and then blocks forever, so the parent
/// can kill it in the middle of the put.
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (args is ["local-store-crash-writer", var root, var bucket, var key])
        {
            var store = new LocalDirectoryStore(root);
            await store.EnsureBucketAsync(bucket);
            await store.PutAsync(bucket, key, new StallingContent());
            return 0;
        }
        await Console.Error.WriteLineAsync("usage: local-store-crash-writer ROOT BUCKET KEY");
        return 2;
    }

    private sealed class StallingContent : ObjectContent
    {
        public override long Length => 64L * 1024 * 1024;

        public override Stream OpenRead() => new StallingStream();
    }

    private sealed class StallingStream : Stream
    {
        private long _served;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (_served >= 1024 * 1024)
            {
                Console.Out.WriteLine("writing");
                Console.Out.Flush();
                Thread.Sleep(Timeout.Infinite);
            }
            var count = (int)Math.Min(buffer.Length, (1024 * 1024) - _served);
            buffer[..count].Fill((byte)'x');
            _served += count;
            return count;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => new(Read(buffer.Span));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => Task.FromResult(Read(buffer, offset, count));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
