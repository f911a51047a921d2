using System.Globalization;
using System.Text.Json;
using Bogus;

namespace Tributary.Generator.Templates;

/// <summary>A helper a template calls: <c>module.method</c> with its argument, on one generator's faker.</summary>
public delegate string FakerHelper(Faker faker, in HelperArgument argument);

/// <summary>
/// The helpers Kinesis Data Generator templates call: faker.js's (pre-v5) modules and methods, answered by Bogus (a
/// port of faker.js) with faker.js's argument conventions, plus the generator's own <c>date.now</c>, <c>date.utc</c>,
/// <c>date.simTime</c> and <c>random.weightedArrayElement</c>. Values print as JavaScript prints them when
/// concatenated into a string (numbers without a needless fraction, dates in <c>Date.prototype.toString</c>'s form).
/// The table is built once and read-only.
/// </summary>
public static class FakerHelpers
{
    private static readonly Dictionary<string, Dictionary<string, FakerHelper>> Modules = Build();

    /// <summary>The helper for <c>module.method</c>, or null with faker.js's message (<c>Invalid module: x</c>, <c>Invalid method: x.y</c>).</summary>
    public static FakerHelper? Find(string module, string method, out string? error)
    {
        error = null;
        if (!Modules.TryGetValue(module, out var methods))
        {
            error = "Invalid module: " + module;
            return null;
        }
        if (!methods.TryGetValue(method, out var helper))
        {
            error = "Invalid method: " + module + "." + method;
            return null;
        }
        return helper;
    }

    /// <summary>
    /// Why a helper cannot use this argument, or null: the helpers whose argument has a shape say so when the template is
    /// compiled, so that a run never sends records made from a default the template did not mean.
    /// <c>random.number</c>/<c>random.float</c>: nothing, a number, or an object whose min/max/precision are numbers (min ≤
    /// max, precision above 0); <c>random.arrayElement</c>: a non-empty array; <c>random.objectElement</c>: an object;
    /// <c>random.weightedArrayElement</c>: <c>{"weights":[numbers ≥ 0],"data":[...]}</c>, as many weights as data, not all 0.
    /// </summary>
    public static string? CheckArgument(string module, string method, in HelperArgument argument)
    {
        var json = argument.Json;
        switch (module + "." + method)
        {
            case "random.number" or "random.float":
                if (argument.IsNone || json is { ValueKind: JsonValueKind.Number })
                {
                    return null;
                }
                if (json is not { ValueKind: JsonValueKind.Object } options)
                {
                    return "expected a number (the maximum) or {\"min\":…,\"max\":…,\"precision\":…}, not " + (argument.Text ?? json!.Value.GetRawText());
                }
                foreach (var member in options.EnumerateObject())
                {
                    if (member.Name is "min" or "max" or "precision" && member.Value.ValueKind != JsonValueKind.Number)
                    {
                        return $"\"{member.Name}\" must be a number, not {member.Value.GetRawText()}";
                    }
                }
                if (argument.Member("min", 0) > argument.Member("max", 99999))
                {
                    return "\"min\" is above \"max\"";
                }
                return argument.Member("precision", 1) <= 0 ? "\"precision\" must be above 0" : null;
            case "random.arrayElement":
                return json is { ValueKind: JsonValueKind.Array } array && array.GetArrayLength() > 0 ? null
                    : "expected a non-empty JSON array, e.g. [\"OK\",\"FAIL\"]";
            case "random.objectElement":
                return json is { ValueKind: JsonValueKind.Object } ? null : "expected a JSON object";
            case "random.weightedArrayElement":
                return CheckWeighted(json);
            default:
                return null;
        }
    }

    private static string? CheckWeighted(JsonElement? json)
    {
        const string Shape = "expected {\"weights\":[0.3,0.7],\"data\":[\"a\",\"b\"]}";
        if (json is not { ValueKind: JsonValueKind.Object } o
            || !o.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Array
            || !o.TryGetProperty("weights", out var weights) || weights.ValueKind != JsonValueKind.Array)
        {
            return Shape;
        }
        if (data.GetArrayLength() == 0 || data.GetArrayLength() != weights.GetArrayLength())
        {
            return $"{Shape}: as many weights as data, at least one ({weights.GetArrayLength()} weights, {data.GetArrayLength()} data)";
        }
        var total = 0.0;
        foreach (var weight in weights.EnumerateArray())
        {
            if (weight.ValueKind != JsonValueKind.Number || weight.GetDouble() < 0)
            {
                return $"weights must be numbers of at least 0, not {weight.GetRawText()}";
            }
            total += weight.GetDouble();
        }
        return total > 0 ? null : "the weights add up to 0";
    }

    /// <summary>Every module.method name (documentation and tests).</summary>
    public static IEnumerable<string> Names => Modules.SelectMany(m => m.Value.Keys.Select(k => m.Key + "." + k)).Order(StringComparer.Ordinal);

    private static Dictionary<string, Dictionary<string, FakerHelper>> Build() => new(StringComparer.Ordinal)
    {
        ["random"] = new(StringComparer.Ordinal)
        {
            ["number"] = (Faker f, in HelperArgument a) => HelperArgument.JsNumber(RandomNumber(f, a)),
            ["float"] = (Faker f, in HelperArgument a) => HelperArgument.JsNumber(RandomNumber(f, a, defaultPrecision: 0.01)),
            ["arrayElement"] = (Faker f, in HelperArgument a) => ArrayElement(f, a),
            ["weightedArrayElement"] = (Faker f, in HelperArgument a) => WeightedArrayElement(f, a),
            ["objectElement"] = (Faker f, in HelperArgument a) => ObjectElement(f, a),
            ["uuid"] = (Faker f, in HelperArgument a) => f.Random.Uuid().ToString(),
            ["boolean"] = (Faker f, in HelperArgument a) => f.Random.Bool() ? "true" : "false",
            ["word"] = (Faker f, in HelperArgument a) => f.Random.Word(),
            ["words"] = (Faker f, in HelperArgument a) => f.Random.Words(a.IsNone ? null : (int)a.Number(1)),
            ["alphaNumeric"] = (Faker f, in HelperArgument a) => f.Random.AlphaNumeric((int)a.Number(1)),
            ["hexaDecimal"] = (Faker f, in HelperArgument a) => f.Random.Hexadecimal((int)a.Number(1)),
            ["locale"] = (Faker f, in HelperArgument a) => "en",
        },
        ["name"] = new(StringComparer.Ordinal)
        {
            ["firstName"] = (Faker f, in HelperArgument a) => f.Name.FirstName(),
            ["lastName"] = (Faker f, in HelperArgument a) => f.Name.LastName(),
            ["findName"] = (Faker f, in HelperArgument a) => f.Name.FullName(),
            ["jobTitle"] = (Faker f, in HelperArgument a) => f.Name.JobTitle(),
            ["prefix"] = (Faker f, in HelperArgument a) => f.Name.Prefix(),
            ["suffix"] = (Faker f, in HelperArgument a) => f.Name.Suffix(),
            ["title"] = (Faker f, in HelperArgument a) => f.Name.JobTitle(),
            ["jobDescriptor"] = (Faker f, in HelperArgument a) => f.Name.JobDescriptor(),
            ["jobArea"] = (Faker f, in HelperArgument a) => f.Name.JobArea(),
            ["jobType"] = (Faker f, in HelperArgument a) => f.Name.JobType(),
        },
        ["internet"] = new(StringComparer.Ordinal)
        {
            ["ip"] = (Faker f, in HelperArgument a) => f.Internet.Ip(),
            ["ipv6"] = (Faker f, in HelperArgument a) => f.Internet.Ipv6(),
            ["email"] = (Faker f, in HelperArgument a) => f.Internet.Email(),
            ["exampleEmail"] = (Faker f, in HelperArgument a) => f.Internet.ExampleEmail(),
            ["userName"] = (Faker f, in HelperArgument a) => f.Internet.UserName(),
            ["url"] = (Faker f, in HelperArgument a) => f.Internet.Url(),
            ["domainName"] = (Faker f, in HelperArgument a) => f.Internet.DomainName(),
            ["domainWord"] = (Faker f, in HelperArgument a) => f.Internet.DomainWord(),
            ["domainSuffix"] = (Faker f, in HelperArgument a) => f.Internet.DomainSuffix(),
            ["protocol"] = (Faker f, in HelperArgument a) => f.Internet.Protocol(),
            ["userAgent"] = (Faker f, in HelperArgument a) => f.Internet.UserAgent(),
            ["mac"] = (Faker f, in HelperArgument a) => f.Internet.Mac(),
            ["password"] = (Faker f, in HelperArgument a) => f.Internet.Password(a.IsNone ? 15 : (int)a.Number(15)),
            ["color"] = (Faker f, in HelperArgument a) => f.Internet.Color(),
        },
        ["address"] = new(StringComparer.Ordinal)
        {
            ["city"] = (Faker f, in HelperArgument a) => f.Address.City(),
            ["cityPrefix"] = (Faker f, in HelperArgument a) => f.Address.CityPrefix(),
            ["citySuffix"] = (Faker f, in HelperArgument a) => f.Address.CitySuffix(),
            ["state"] = (Faker f, in HelperArgument a) => f.Address.State(),
            ["stateAbbr"] = (Faker f, in HelperArgument a) => f.Address.StateAbbr(),
            ["zipCode"] = (Faker f, in HelperArgument a) => f.Address.ZipCode(a.String),
            ["streetAddress"] = (Faker f, in HelperArgument a) => f.Address.StreetAddress(a.Json is { ValueKind: JsonValueKind.True }),
            ["streetName"] = (Faker f, in HelperArgument a) => f.Address.StreetName(),
            ["streetSuffix"] = (Faker f, in HelperArgument a) => f.Address.StreetSuffix(),
            ["secondaryAddress"] = (Faker f, in HelperArgument a) => f.Address.SecondaryAddress(),
            ["county"] = (Faker f, in HelperArgument a) => f.Address.County(),
            ["country"] = (Faker f, in HelperArgument a) => f.Address.Country(),
            ["countryCode"] = (Faker f, in HelperArgument a) => f.Address.CountryCode(),
            ["latitude"] = (Faker f, in HelperArgument a) => Fixed(f.Address.Latitude(), 4),
            ["longitude"] = (Faker f, in HelperArgument a) => Fixed(f.Address.Longitude(), 4),
        },
        ["lorem"] = new(StringComparer.Ordinal)
        {
            ["word"] = (Faker f, in HelperArgument a) => f.Lorem.Word(),
            ["words"] = (Faker f, in HelperArgument a) => string.Join(' ', f.Lorem.Words(a.IsNone ? 3 : (int)a.Number(3))),
            ["sentence"] = (Faker f, in HelperArgument a) => f.Lorem.Sentence(a.IsNone ? null : (int)a.Number(3)),
            // faker.js joins sentences with a space (Bogus with a newline, which would break a JSON template).
            ["sentences"] = (Faker f, in HelperArgument a) => f.Lorem.Sentences(a.IsNone ? null : (int)a.Number(3), " "),
            ["slug"] = (Faker f, in HelperArgument a) => f.Lorem.Slug(a.IsNone ? 3 : (int)a.Number(3)),
            ["paragraph"] = (Faker f, in HelperArgument a) => f.Lorem.Paragraph(a.IsNone ? 3 : (int)a.Number(3)),
            ["paragraphs"] = (Faker f, in HelperArgument a) => f.Lorem.Paragraphs(a.IsNone ? 3 : (int)a.Number(3)),
            ["text"] = (Faker f, in HelperArgument a) => f.Lorem.Text(),
            ["lines"] = (Faker f, in HelperArgument a) => f.Lorem.Lines(a.IsNone ? null : (int)a.Number(3)),
        },
        ["commerce"] = new(StringComparer.Ordinal)
        {
            ["productName"] = (Faker f, in HelperArgument a) => f.Commerce.ProductName(),
            ["product"] = (Faker f, in HelperArgument a) => f.Commerce.Product(),
            ["productAdjective"] = (Faker f, in HelperArgument a) => f.Commerce.ProductAdjective(),
            ["productMaterial"] = (Faker f, in HelperArgument a) => f.Commerce.ProductMaterial(),
            ["price"] = (Faker f, in HelperArgument a) => f.Commerce.Price(),
            ["department"] = (Faker f, in HelperArgument a) => f.Commerce.Department(),
            ["color"] = (Faker f, in HelperArgument a) => f.Commerce.Color(),
        },
        ["company"] = new(StringComparer.Ordinal)
        {
            ["companyName"] = (Faker f, in HelperArgument a) => f.Company.CompanyName(),
            ["companySuffix"] = (Faker f, in HelperArgument a) => f.Company.CompanySuffix(),
            ["catchPhrase"] = (Faker f, in HelperArgument a) => f.Company.CatchPhrase(),
            ["bs"] = (Faker f, in HelperArgument a) => f.Company.Bs(),
        },
        ["finance"] = new(StringComparer.Ordinal)
        {
            ["amount"] = (Faker f, in HelperArgument a) => f.Finance.Amount().ToString("0.00", CultureInfo.InvariantCulture),
            ["account"] = (Faker f, in HelperArgument a) => f.Finance.Account(a.IsNone ? 8 : (int)a.Number(8)),
            ["accountName"] = (Faker f, in HelperArgument a) => f.Finance.AccountName(),
            ["transactionType"] = (Faker f, in HelperArgument a) => f.Finance.TransactionType(),
            ["currencyCode"] = (Faker f, in HelperArgument a) => f.Finance.Currency().Code,
            ["currencyName"] = (Faker f, in HelperArgument a) => f.Finance.Currency().Description,
            ["currencySymbol"] = (Faker f, in HelperArgument a) => f.Finance.Currency().Symbol,
            ["bitcoinAddress"] = (Faker f, in HelperArgument a) => f.Finance.BitcoinAddress(),
            ["iban"] = (Faker f, in HelperArgument a) => f.Finance.Iban(),
            ["bic"] = (Faker f, in HelperArgument a) => f.Finance.Bic(),
        },
        ["date"] = new(StringComparer.Ordinal)
        {
            ["now"] = (Faker f, in HelperArgument a) => MomentFormat.FormatNow(a.String ?? MomentFormat.DefaultFormat, utc: false),
            ["utc"] = (Faker f, in HelperArgument a) => MomentFormat.FormatNow(a.String ?? MomentFormat.DefaultUtcFormat, utc: true),
            // The generator's periodic mode simulates time; a steady-rate run is always "real time", as with the lock on.
            ["simTime"] = (Faker f, in HelperArgument a) => MomentFormat.FormatNow(a.String ?? MomentFormat.DefaultFormat, utc: false),
            ["past"] = (Faker f, in HelperArgument a) => JsDate(f.Date.Past((int)a.Number(1))),
            ["future"] = (Faker f, in HelperArgument a) => JsDate(f.Date.Future((int)a.Number(1))),
            ["recent"] = (Faker f, in HelperArgument a) => JsDate(f.Date.Recent((int)a.Number(1))),
            ["soon"] = (Faker f, in HelperArgument a) => JsDate(f.Date.Soon((int)a.Number(1))),
            ["between"] = (Faker f, in HelperArgument a) => Between(f, a),
            ["weekday"] = (Faker f, in HelperArgument a) => f.Date.Weekday(Abbreviated(a)),
            ["month"] = (Faker f, in HelperArgument a) => f.Date.Month(Abbreviated(a)),
        },
        ["phone"] = new(StringComparer.Ordinal)
        {
            ["phoneNumber"] = (Faker f, in HelperArgument a) => f.Phone.PhoneNumber(a.String),
            ["phoneNumberFormat"] = (Faker f, in HelperArgument a) => f.Phone.PhoneNumberFormat((int)a.Number(0)),
        },
        ["hacker"] = new(StringComparer.Ordinal)
        {
            ["abbreviation"] = (Faker f, in HelperArgument a) => f.Hacker.Abbreviation(),
            ["adjective"] = (Faker f, in HelperArgument a) => f.Hacker.Adjective(),
            ["noun"] = (Faker f, in HelperArgument a) => f.Hacker.Noun(),
            ["verb"] = (Faker f, in HelperArgument a) => f.Hacker.Verb(),
            ["ingverb"] = (Faker f, in HelperArgument a) => f.Hacker.IngVerb(),
            ["phrase"] = (Faker f, in HelperArgument a) => f.Hacker.Phrase(),
        },
        ["system"] = new(StringComparer.Ordinal)
        {
            ["fileName"] = (Faker f, in HelperArgument a) => f.System.FileName(),
            ["commonFileName"] = (Faker f, in HelperArgument a) => f.System.CommonFileName(a.String),
            ["mimeType"] = (Faker f, in HelperArgument a) => f.System.MimeType(),
            ["commonFileType"] = (Faker f, in HelperArgument a) => f.System.CommonFileType(),
            ["commonFileExt"] = (Faker f, in HelperArgument a) => f.System.CommonFileExt(),
            ["fileType"] = (Faker f, in HelperArgument a) => f.System.FileType(),
            ["fileExt"] = (Faker f, in HelperArgument a) => f.System.FileExt(a.String),
            ["directoryPath"] = (Faker f, in HelperArgument a) => f.System.DirectoryPath(),
            ["filePath"] = (Faker f, in HelperArgument a) => f.System.FilePath(),
            ["semver"] = (Faker f, in HelperArgument a) => f.System.Semver(),
        },
        ["database"] = new(StringComparer.Ordinal)
        {
            ["column"] = (Faker f, in HelperArgument a) => f.Database.Column(),
            ["type"] = (Faker f, in HelperArgument a) => f.Database.Type(),
            ["collation"] = (Faker f, in HelperArgument a) => f.Database.Collation(),
            ["engine"] = (Faker f, in HelperArgument a) => f.Database.Engine(),
        },
        ["helpers"] = new(StringComparer.Ordinal)
        {
            ["randomize"] = (Faker f, in HelperArgument a) => a.Json is { ValueKind: JsonValueKind.Array } ? ArrayElement(f, a) : f.Random.ArrayElement(new[] { "a", "b", "c" }),
            ["slugify"] = (Faker f, in HelperArgument a) => Slugify(a.String ?? string.Empty),
            ["replaceSymbolWithNumber"] = (Faker f, in HelperArgument a) => f.Random.ReplaceNumbers(a.String ?? string.Empty, '#'),
            ["replaceSymbols"] = (Faker f, in HelperArgument a) => f.Random.Replace(a.String ?? string.Empty),
        },
    };

    /// <summary>
    /// faker.js's <c>random.number</c>: a number (the maximum) or <c>{"min","max","precision"}</c> (defaults 0, 99999,
    /// 1), the maximum included: a uniform draw over [min, max + precision) cut down to a multiple of the precision.
    /// </summary>
    private static double RandomNumber(Faker faker, in HelperArgument argument, double defaultPrecision = 1)
    {
        double min = 0, max = 99999, precision = defaultPrecision;
        if (argument.Json is { ValueKind: JsonValueKind.Number } n)
        {
            max = n.GetDouble();
        }
        else if (argument.Json is { ValueKind: JsonValueKind.Object })
        {
            min = argument.Member("min", 0);
            max = argument.Member("max", 99999);
            precision = argument.Member("precision", defaultPrecision);
        }
        if (precision <= 0)
        {
            precision = 1;
        }
        var top = max >= 0 ? max + precision : max;
        var steps = Math.Floor(faker.Random.Double(min / precision, top / precision));
        var value = steps * precision;
        // Keep the printed form free of binary noise (0.30000000000000004) for fractional precisions.
        return precision >= 1 ? value : Math.Round(value, Math.Max(0, (int)Math.Ceiling(-Math.Log10(precision))));
    }

    private static string ArrayElement(Faker faker, in HelperArgument argument)
    {
        if (argument.Json is { ValueKind: JsonValueKind.Array } array && array.GetArrayLength() > 0)
        {
            return HelperArgument.JsString(array[faker.Random.Int(0, array.GetArrayLength() - 1)]);
        }
        // faker.js's default array.
        return faker.Random.ArrayElement(new[] { "a", "b", "c" });
    }

    private static string ObjectElement(Faker faker, in HelperArgument argument)
    {
        if (argument.Json is { ValueKind: JsonValueKind.Object } o)
        {
            var values = o.EnumerateObject().Select(p => p.Value).ToArray();
            if (values.Length > 0)
            {
                return HelperArgument.JsString(values[faker.Random.Int(0, values.Length - 1)]);
            }
        }
        return faker.Random.ArrayElement(new[] { "bar", "car" });
    }

    /// <summary>
    /// The Kinesis Data Generator's <c>random.weightedArrayElement({"weights":[...],"data":[...]})</c>: weights are
    /// relative (they need not sum to 1).
    /// </summary>
    private static string WeightedArrayElement(Faker faker, in HelperArgument argument)
    {
        // The shape was checked when the template was compiled (CheckArgument).
        var o = argument.Json!.Value;
        var data = o.GetProperty("data");
        var weights = o.GetProperty("weights");
        var total = 0.0;
        foreach (var w in weights.EnumerateArray())
        {
            total += w.ValueKind == JsonValueKind.Number ? Math.Max(0, w.GetDouble()) : 0;
        }
        var draw = faker.Random.Double(0, total);
        for (var i = 0; i < data.GetArrayLength(); i++)
        {
            var w = weights[i].ValueKind == JsonValueKind.Number ? Math.Max(0, weights[i].GetDouble()) : 0;
            if (draw < w)
            {
                return HelperArgument.JsString(data[i]);
            }
            draw -= w;
        }
        return HelperArgument.JsString(data[data.GetArrayLength() - 1]);
    }

    /// <summary>
    /// <c>date.between(from, to)</c>. faker.js takes two arguments, which a template cannot pass (only the text inside
    /// the parentheses, whole); we read <c>"2020-01-01","2021-01-01"</c> or <c>["2020-01-01","2021-01-01"]</c> as the two.
    /// </summary>
    private static string Between(Faker faker, in HelperArgument argument)
    {
        string[] parts = argument.Json is { ValueKind: JsonValueKind.Array } array
            ? [.. array.EnumerateArray().Select(HelperArgument.JsString)]
            : (argument.String ?? string.Empty).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(p => p.Trim('"', '\'')).ToArray();
        var now = DateTime.Now;
        var from = parts.Length > 0 && DateTime.TryParse(parts[0], CultureInfo.InvariantCulture, DateTimeStyles.AssumeLocal, out var f) ? f : now.AddYears(-1);
        var to = parts.Length > 1 && DateTime.TryParse(parts[1], CultureInfo.InvariantCulture, DateTimeStyles.AssumeLocal, out var t) ? t : now;
        return JsDate(faker.Date.Between(from, to));
    }

    private static bool Abbreviated(in HelperArgument argument) =>
        argument.Json is { ValueKind: JsonValueKind.Object } o && o.TryGetProperty("abbr", out var abbr) && abbr.ValueKind == JsonValueKind.True;

    /// <summary>JavaScript's <c>Date.prototype.toString</c>: <c>Mon Dec 07 2026 10:15:00 GMT+0000 (Coordinated Universal Time)</c>.</summary>
    public static string JsDate(DateTime value)
    {
        var local = value.Kind == DateTimeKind.Utc ? value.ToLocalTime() : value;
        var offset = TimeZoneInfo.Local.GetUtcOffset(local);
        var sign = offset < TimeSpan.Zero ? '-' : '+';
        var zone = TimeZoneInfo.Local.Id is "UTC" or "Etc/UTC" or "Universal" ? "Coordinated Universal Time" : TimeZoneInfo.Local.StandardName;
        return local.ToString("ddd MMM dd yyyy HH:mm:ss", CultureInfo.InvariantCulture)
            + $" GMT{sign}{offset.Duration():hhmm} ({zone})";
    }

    private static string Fixed(double value, int digits) => value.ToString("F" + digits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    private static string Slugify(string text)
    {
        var chars = text.Replace(' ', '-').Where(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '~' or '-').ToArray();
        return new string(chars);
    }
}
