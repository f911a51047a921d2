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
/// <see cref="MaxPasses"/> times. Differences from faker.js: a token's <c>}}</c> is searched after its <c>{{</c> (not
/// anywhere in the text), and <c>{{</c> without a closing <c>}}</c> is an error instead of being left in the record.</para>
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

    /// <summary>Compiles a template; throws <see cref="TemplateException"/> for an unknown helper or a token without its end.</summary>
    public static KdgTemplate Compile(string template)
    {
        var cleaned = Clean(template);
        return new KdgTemplate(template, Parse(cleaned));
    }

    /// <summary>The generator's clean-up before rendering: newlines go, <c>{{current.timestamp}}</c> becomes <c>{{date.now}}</c>.</summary>
    public static string Clean(string template) =>
        template.Replace("\r", string.Empty, StringComparison.Ordinal).Replace("\n", string.Empty, StringComparison.Ordinal)
            .Replace("{{current.timestamp}}", "{{date.now}}", StringComparison.Ordinal);

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
            foreach (var part in Parse(text))
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

    private static Part[] Parse(string text)
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
                throw new TemplateException($"Unterminated token at character {open + 1}: '{Shorten(text[open..])}' has no closing }}}}.");
            }
            parts.Add(CompileToken(text[(open + 2)..close]));
            position = close + 2;
        }
        return [.. parts];
    }

    /// <summary>One token: <c>module.method</c>, then the argument inside the first <c>(</c>…<c>)</c> (removed from the name).</summary>
    private static Part CompileToken(string token)
    {
        var name = token;
        string? argument = null;
        var open = token.IndexOf('(');
        if (open >= 0)
        {
            var close = token.IndexOf(')', open + 1);
            if (close > open + 1)
            {
                argument = token[(open + 1)..close];
                name = token[..open] + token[(close + 1)..];
            }
        }
        var dot = name.IndexOf('.');
        var module = dot < 0 ? name : name[..dot];
        var rest = dot < 0 ? string.Empty : name[(dot + 1)..];
        var method = rest.Contains('.') ? rest[..rest.IndexOf('.')] : rest;
        var helper = FakerHelpers.Find(module, method, out var error) ?? throw new TemplateException(error!);
        return new Part(null, helper, HelperArgument.Parse(argument));
    }

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";

    private readonly record struct Part(string? Text, FakerHelper? Helper, HelperArgument Argument);
}
