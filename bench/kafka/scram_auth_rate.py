#!/usr/bin/python3
"""SCRAM authentications per second against a SASL listener, beside bare connections per second.

    /usr/bin/python3 bench/kafka/scram_auth_rate.py SASL_HOST:PORT PLAINTEXT_HOST:PORT USER PASSWORD MECHANISM SECONDS

One client, sequential, new TCP connection each time. Measured: connect, ApiVersions v0, SaslHandshake v1, the two
SCRAM SaslAuthenticate v0 round trips (server signature checked), close. Reference (same run, same client): connect,
ApiVersions v0, close on the PLAINTEXT listener — the floor a SASL connection adds its exchange to. The client caches
its salted password (RFC 5802 §5.1 allows it), so the figure is the broker's cost, not the client's PBKDF2.
Prints one JSON object with both rates.
"""
import base64, hashlib, hmac, json, os, socket, struct, sys, time

HASHES = {"SCRAM-SHA-256": hashlib.sha256, "SCRAM-SHA-512": hashlib.sha512}


def request(sock, correlation, api_key, version, body):
    header = struct.pack(">hhih", api_key, version, correlation, 5) + b"bench"
    payload = header + body
    sock.sendall(struct.pack(">i", len(payload)) + payload)
    size = struct.unpack(">i", read(sock, 4))[0]
    frame = read(sock, size)
    assert struct.unpack(">i", frame[:4])[0] == correlation
    return frame[4:]


def read(sock, n):
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise ConnectionError("closed")
        data += chunk
    return data


def connect(address):
    host, port = address.rsplit(":", 1)
    sock = socket.create_connection((host, int(port)))
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


def authenticate(address, user, mechanism, cache):
    digest = HASHES[mechanism]
    with connect(address) as sock:
        request(sock, 1, 18, 0, b"")
        response = request(sock, 2, 17, 1, struct.pack(">h", len(mechanism)) + mechanism.encode())
        assert struct.unpack(">h", response[:2])[0] == 0
        nonce = base64.b64encode(os.urandom(18)).decode()
        first_bare = f"n={user},r={nonce}"
        token = ("n,," + first_bare).encode()
        response = request(sock, 3, 36, 0, struct.pack(">i", len(token)) + token)
        error, message_length = struct.unpack(">hh", response[:4])
        assert error == 0, response
        server_first = response[8:].decode()
        fields = dict(f.split("=", 1) for f in server_first.split(","))
        key = (fields["s"], fields["i"])
        if key not in cache:
            cache[key] = hashlib.pbkdf2_hmac(digest().name, cache["password"].encode(), base64.b64decode(fields["s"]), int(fields["i"]))
        salted = cache[key]
        client_key = hmac.new(salted, b"Client Key", digest).digest()
        without_proof = f"c=biws,r={fields['r']}"
        auth_message = f"{first_bare},{server_first},{without_proof}".encode()
        signature = hmac.new(digest(client_key).digest(), auth_message, digest).digest()
        proof = bytes(a ^ b for a, b in zip(client_key, signature))
        token = (without_proof + ",p=" + base64.b64encode(proof).decode()).encode()
        response = request(sock, 4, 36, 0, struct.pack(">i", len(token)) + token)
        assert struct.unpack(">h", response[:2])[0] == 0, response
        server_key = hmac.new(salted, b"Server Key", digest).digest()
        expected = "v=" + base64.b64encode(hmac.new(server_key, auth_message, digest).digest()).decode()
        assert response[8:].decode() == expected


def bare(address):
    with connect(address) as sock:
        request(sock, 1, 18, 0, b"")


def rate(action, seconds):
    count, start = 0, time.monotonic()
    while time.monotonic() - start < seconds:
        action()
        count += 1
    return count / (time.monotonic() - start), count


def main():
    sasl, plain, user, password, mechanism, seconds = sys.argv[1:7]
    cache = {"password": password}
    authenticate(sasl, user, mechanism, cache)  # warm-up, and computes the salted password once
    bare(plain)
    reference, reference_count = rate(lambda: bare(plain), float(seconds))
    value, count = rate(lambda: authenticate(sasl, user, mechanism, cache), float(seconds))
    print(json.dumps({"mechanism": mechanism, "auth_per_s": round(value, 1), "auths": count,
                      "bare_connections_per_s": round(reference, 1), "bare_connections": reference_count}))


if __name__ == "__main__":
    main()
