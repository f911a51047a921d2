using System.Globalization;
using System.Text;
using Bogus;

namespace Tributary.Generator.Templates;

/// <summary>A template the generator cannot use: the message names the helper or the malformed part.</summary>
public sealed class TemplateException(string message) : Exception(message);

/// <summary>
/// A Kinesis Data Generator record template, rendered as the generator renders it (faker.js's <c>fake</c>): every
/// <c>{{module.method(argument)}}</c> is replaced by the helper's value; the argument is the text between the first
/// <c>(</c> and the first <c>)</c> of the token, parsed as JSON when it is JSON; a token ends at the first <c>}}</c>;
/// an unknown module or method is an error (<c>Invalid module: x</c>, <c>Invalid method: x.y</c>). Before anything
/// else, as the generator does, newlines are removed and <c>{{current.timestamp}}</c> means <c>{{date.now}}</c>.
/// <para>Compiled once into literal text and helper calls, so rendering a record parses nothing. When a helper's
/// value itself contains a token (faker.js substitutes and looks again), the rendered text is rendered again, at most
/// <see cref="MaxPasses"/> times. Differences from faker.js, all of them errors found before any record is made: a token's <c>}}</c> is searched after its
/// <c>{{</c> (not anywhere in the text), and <c>{{</c> without a closing <c>}}</c> is an error instead of being left in the
/// record; an argument that starts like JSON (<c>{</c>, <c>[</c>, <c>"</c>) must be JSON (faker.js would pass the text on,
/// and the helper would quietly use its defaults); the helpers that need an argument of a shape
/// (<c>random.arrayElement</c>, <c>random.weightedArrayElement</c>, ...) check it.</para>
/// <para>Thread-safety: a compiled template is immutable; rendering takes the caller's <see cref="Faker"/> (one per
/// thread).</para>
/// </summary>
public sealed class KdgTemplate
{
    public const int MaxPasses = 8;

    private readonly Part[] _parts;

    private KdgTemplate(string source, Part[] parts)
    {
        Source = source;
        _parts = parts;
    }

    /// <summary>The template as written.</summary>
    public string Source { get; }

    /// <summary>
    /// Compiles a template; throws <see cref="TemplateException"/>, naming the line and column of the template as written,
    /// for a token without its closing <c>}}</c>, an unknown helper, or an argument a helper cannot use (malformed JSON,
    /// or JSON of the wrong shape: <c>random.arrayElement</c> without an array, ...).
    /// </summary>
    public static KdgTemplate Compile(string template)
    {
        var cleaned = Clean(template, out var origins);
        return new KdgTemplate(template, Parse(cleaned, index => Position(template, origins[index])));
    }

    /// <summary>The generator's clean-up before rendering: newlines go, <c>{{current.timestamp}}</c> becomes <c>{{date.now}}</c>.</summary>
    public static string Clean(string template) => Clean(template, out _);

    /// <summary>The clean-up, with where each character of the result was in the template (for error positions).</summary>
    private static string Clean(string template, out int[] origins)
    {
        const string Timestamp = "{{current.timestamp}}";
        const string Now = "{{date.now}}";
        var cleaned = new StringBuilder(template.Length);
        var from = new List<int>(template.Length + 1);
        for (var i = 0; i < template.Length; i++)
        {
            if (template[i] is '\r' or '\n')
            {
                continue;
            }
            if (string.CompareOrdinal(template, i, Timestamp, 0, Timestamp.Length) == 0)
            {
                cleaned.Append(Now);
                for (var j = 0; j < Now.Length; j++)
                {
                    from.Add(i);
                }
                i += Timestamp.Length - 1;
                continue;
            }
            cleaned.Append(template[i]);
            from.Add(i);
        }
        from.Add(template.Length);
        origins = [.. from];
        return cleaned.ToString();
    }

    /// <summary>"line L, column C" (1-based) of a character of the template as written.</summary>
    private static string Position(string template, int index)
    {
        int line = 1, column = 1;
        for (var i = 0; i < index && i < template.Length; i++)
        {
            if (template[i] == '\n')
            {
                line++;
                column = 1;
            }
            else if (template[i] != '\r')
            {
                column++;
            }
        }
        return string.Create(CultureInfo.InvariantCulture, $"line {line}, column {column}");
    }

    /// <summary>Renders one record into <paramref name="output"/> (appended).</summary>
    public void Render(Faker faker, StringBuilder output)
    {
        var start = output.Length;
        var nested = false;
        foreach (var part in _parts)
        {
            if (part.Helper is null)
            {
                output.Append(part.Text);
                continue;
            }
            var value = part.Helper(faker, part.Argument);
            nested |= value.Contains("{{", StringComparison.Ordinal);
            output.Append(value);
        }
        if (!nested)
        {
            return;
        }
        // A value held a token: look again, as faker.js does, over what this record became.
        var text = output.ToString(start, output.Length - start);
        for (var pass = 1; pass < MaxPasses && text.Contains("{{", StringComparison.Ordinal) && text.Contains("}}", StringComparison.Ordinal); pass++)
        {
            var again = new StringBuilder(text.Length);
            Part[] parts;
            try
            {
                parts = Parse(text, index => string.Create(CultureInfo.InvariantCulture, $"character {index + 1} of a rendered value"));
            }
            catch (TemplateException)
            {
                // A value that looks like a malformed token (user data holding "{{"): faker.js would throw at run time;
                // the record keeps the text as it is instead of stopping the run.
                break;
            }
            foreach (var part in parts)
            {
                again.Append(part.Helper is null ? part.Text : part.Helper(faker, part.Argument));
            }
            text = again.ToString();
        }
        output.Length = start;
        output.Append(text);
    }

    /// <summary>Renders one record as a string (tests, "test template" samples).</summary>
    public string Render(Faker faker)
    {
        var output = new StringBuilder();
        Render(faker, output);
        return output.ToString();
    }

    /// <param name="where">Names the position of a character of <paramref name="text"/> for an error message.</param>
    private static Part[] Parse(string text, Func<int, string> where)
    {
        var parts = new List<Part>();
        var position = 0;
        while (position < text.Length)
        {
            var open = text.IndexOf("{{", position, StringComparison.Ordinal);
            if (open < 0)
            {
                parts.Add(new Part(text[position..], null, default));
                break;
            }
            if (open > position)
            {
                parts.Add(new Part(text[position..open], null, default));
            }
            var close = text.IndexOf("}}", open + 2, StringComparison.Ordinal);
            if (close < 0)
            {
                throw new TemplateException($"Unterminated token at {where(open)}: '{Shorten(text[open..])}' has no closing }}}}.");
            }
            parts.Add(CompileToken(text, open + 2, close, where));
            position = close + 2;
        }
        return [.. parts];
    }

    /// <summary>
    /// One token, <c>text[start..end]</c>: <c>module.method</c>, then the argument inside the first <c>(</c>…<c>)</c>
    /// (removed from the name), checked against what the helper takes.
    /// </summary>
    private static Part CompileToken(string text, int start, int end, Func<int, string> where)
    {
        var token = text[start..end];
        var name = token;
        string? argument = null;
        var argumentAt = start;
        var open = token.IndexOf('(');
        if (open >= 0)
        {
            var close = token.IndexOf(')', open + 1);
            if (close < 0)
            {
                throw new TemplateException($"Unclosed argument at {where(start + open)}: '{{{{{Shorten(token)}}}}}' has '(' without ')'.");
            }
            if (close > open + 1)
            {
                argument = token[(open + 1)..close];
                argumentAt = start + open + 1;
            }
            name = token[..open] + token[(close + 1)..];
        }
        name = name.Trim();
        var dot = name.IndexOf('.');
        var module = dot < 0 ? name : name[..dot];
        var rest = dot < 0 ? string.Empty : name[(dot + 1)..];
        var method = rest.Contains('.') ? rest[..rest.IndexOf('.')] : rest;
        var helper = FakerHelpers.Find(module, method, out var error) ?? throw new TemplateException($"{error} (the token at {where(start - 2)}).");
        HelperArgument parsed;
        try
        {
            parsed = HelperArgument.Parse(argument);
        }
        catch (HelperArgumentException e)
        {
            throw new TemplateException($"Bad argument of {module}.{method} at {where(argumentAt + e.Offset)}: {e.Message}");
        }
        if (FakerHelpers.CheckArgument(module, method, parsed) is { } problem)
        {
            throw new TemplateException($"Bad argument of {module}.{method} at {where(argumentAt)}: {problem}");
        }
        return new Part(null, helper, parsed);
    }

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";

    private readonly record struct Part(string? Text, FakerHelper? Helper, HelperArgument Argument);
}
