#!/usr/bin/env python3
"""Writes a deterministic, realistic JSON-lines event file for the Parquet conversion benchmark.

usage: generate_events.py OUTPUT SIZE_MB [SEED]

Each line is one event: a UUID, an ISO-8601 timestamp with microseconds, integer and float fields,
low-cardinality strings (type, country, os), a nested device object, an array of item objects, an
array of tags, a boolean, a decimal-like amount and occasional nulls and missing fields. Same seed and
size give the same bytes.
"""
import json
import random
import sys
import uuid

def main():
    output, size_mb = sys.argv[1], float(sys.argv[2])
    seed = int(sys.argv[3]) if len(sys.argv) > 3 else 42
    rng = random.Random(seed)
    limit = int(size_mb * 1024 * 1024)
    types = ["page_view", "click", "purchase", "add_to_cart", "search", "login", "logout", "scroll"]
    countries = ["DE", "FR", "US", "GB", "BR", "JP", "IN", "ES", "IT", "NL", "SE", "PL", "CA", "MX", "AU"]
    oses = [("android", ["12", "13", "14"]), ("ios", ["16.4", "17.1", "17.4"]), ("windows", ["10", "11"]), ("macos", ["13.6", "14.2"]), ("linux", ["6.1"])]
    models = ["Pixel 8", "iPhone 15", "Galaxy S23", "ThinkPad X1", "MacBook Air", "Desktop"]
    pages = ["/", "/home", "/search", "/product/%d", "/cart", "/checkout", "/account", "/help/%d"]
    words = ["sale", "new", "promo", "mobile", "returning", "beta", "vip", "organic", "paid", "email"]
    base = 1735689600_000_000  # 2025-01-01T00:00:00Z in microseconds
    written = 0
    n = 0
    with open(output, "w", encoding="utf-8") as out:
        while written < limit:
            micros = base + n * 37_123 + rng.randrange(0, 30_000)
            seconds, frac = divmod(micros, 1_000_000)
            days, rem = divmod(seconds, 86400)
            hh, rem = divmod(rem, 3600)
            mm, ss = divmod(rem, 60)
            y, m, d = civil(days)
            os_name, versions = oses[rng.randrange(len(oses))]
            kind = types[min(len(types) - 1, int(rng.expovariate(0.6)))]
            event = {
                "event_id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                "ts": "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ" % (y, m, d, hh, mm, ss, frac),
                "user_id": rng.randrange(1, 5_000_000),
                "session_id": "s-%012x" % rng.getrandbits(48),
                "type": kind,
                "country": countries[min(len(countries) - 1, int(rng.expovariate(0.35)))],
                "page": (lambda p: p % rng.randrange(1, 5000) if "%d" in p else p)(pages[rng.randrange(len(pages))]),
                "device": {"os": os_name, "version": rng.choice(versions), "model": rng.choice(models), "screen_width": rng.choice([390, 412, 1280, 1440, 1920, 2560])},
                "latency_ms": round(rng.lognormvariate(4, 0.8), 3),
                "ok": rng.random() > 0.02,
                "tags": rng.sample(words, rng.randrange(0, 4)),
            }
            if kind in ("purchase", "add_to_cart"):
                items = []
                for _ in range(rng.randrange(1, 5)):
                    items.append({"sku": "SKU-%05d" % rng.randrange(100000), "qty": rng.randrange(1, 4), "price": round(rng.uniform(1, 300), 2)})
                event["items"] = items
                event["amount"] = round(sum(i["qty"] * i["price"] for i in items), 2)
            else:
                event["items"] = []
                event["amount"] = None
            if rng.random() < 0.3:
                event["referrer"] = "https://%s/%s" % (rng.choice(["google.com", "bing.com", "t.co", "news.example.org"]), "q%d" % rng.randrange(100000))
            line = json.dumps(event, separators=(",", ":")) + "\n"
            out.write(line)
            written += len(line.encode("utf-8"))
            n += 1
    print(json.dumps({"file": output, "bytes": written, "records": n}))

def civil(days):
    """Days since 1970-01-01 to (year, month, day), proleptic Gregorian."""
    z = days + 719468
    era = z // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    y = yoe + era * 400
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    d = doy - (153 * mp + 2) // 5 + 1
    m = mp + 3 if mp < 10 else mp - 9
    return (y + 1 if m <= 2 else y, m, d)

if __name__ == "__main__":
    main()
