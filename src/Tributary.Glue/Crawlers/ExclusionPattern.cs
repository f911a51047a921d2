using System.Text;
using System.Text.RegularExpressions;

namespace Tributary.Glue.Crawlers;

/// <summary>
/// A crawler target's exclusion, a glob matched against an object's key relative to the include path (Glue's
/// "Include and exclude patterns"): <c>*</c> any characters within one folder level, <c>**</c> across levels,
/// <c>?</c> one character, <c>[abc]</c> / <c>[!abc]</c> a character class, <c>{a,b}</c> alternatives, <c>\</c> escapes.
/// </summary>
internal sealed class ExclusionPattern
{
    private readonly Regex _regex;

    public ExclusionPattern(string glob)
    {
        var pattern = new StringBuilder("^");
        var depth = 0;
        for (var i = 0; i < glob.Length; i++)
        {
            var c = glob[i];
            switch (c)
            {
                case '*' when i + 1 < glob.Length && glob[i + 1] == '*':
                    pattern.Append(".*");
                    i++;
                    break;
                case '*':
                    pattern.Append("[^/]*");
                    break;
                case '?':
                    pattern.Append("[^/]");
                    break;
                case '[':
                    var end = glob.IndexOf(']', i + 1);
                    if (end < 0)
                    {
                        pattern.Append(@"\[");
                        break;
                    }
                    var set = glob[(i + 1)..end];
                    pattern.Append('[').Append(set.StartsWith('!') ? "^" + Regex.Escape(set[1..]) : Regex.Escape(set)).Append(']');
                    i = end;
                    break;
                case '{':
                    pattern.Append("(?:");
                    depth++;
                    break;
                case '}' when depth > 0:
                    pattern.Append(')');
                    depth--;
                    break;
                case ',' when depth > 0:
                    pattern.Append('|');
                    break;
                case '\\' when i + 1 < glob.Length:
                    pattern.Append(Regex.Escape(glob[++i].ToString()));
                    break;
                default:
                    pattern.Append(Regex.Escape(c.ToString()));
                    break;
            }
        }
        pattern.Append(')', depth).Append('$');
        _regex = new Regex(pattern.ToString(), RegexOptions.CultureInvariant);
    }

    public bool Matches(string relativeKey) => _regex.IsMatch(relativeKey);
}
