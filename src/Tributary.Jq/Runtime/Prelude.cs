using Tributary.Jq.Syntax;

namespace Tributary.Jq.Runtime;

/// <summary>
/// The builtins written in jq itself, parsed once per process. Written for this project from the jq 1.6 manual's
/// descriptions and checked against jq 1.6's behaviour (for example <c>limit(0; f)</c> still yields one output,
/// <c>repeat(f)</c> applies f to the same input each time, <c>from_entries</c> accepts key/Key/name/Name).
/// </summary>
internal static class Prelude
{
    private const string Source = """
        def range($x): range(0; $x);
        def first(f): label $out | f | ., break $out;
        def map(f): [.[] | f];
        def select(f): if f then . else empty end;
        def values: select(. != null);
        def nulls: select(. == null);
        def booleans: select(type == "boolean");
        def numbers: select(type == "number");
        def strings: select(type == "string");
        def arrays: select(type == "array");
        def objects: select(type == "object");
        def iterables: select(type == "array" or type == "object");
        def scalars: select(type != "array" and type != "object");
        def scalars_or_empty: select(. == null or . == true or . == false or type == "number" or type == "string" or ((type == "array" or type == "object") and length == 0));
        def recurse(f): def r: ., (f | r); r;
        def recurse(f; cond): def r: ., (f | select(cond) | r); r;
        def recurse: recurse(.[]?);
        def recurse_down: recurse;
        def map_values(f): .[] |= f;
        def to_entries: [keys_unsorted[] as $k | {key: $k, value: .[$k]}];
        def from_entries: map({(.key // .Key // .name // .Name): (if has("value") then .value else .Value end)}) | add + {} // {};
        def with_entries(f): to_entries | map(f) | from_entries;
        def del(f): delpaths([path(f)]);
        def paths: path(..) | select(length > 0);
        def paths(node_filter): . as $dot | paths | select(. as $p | $dot | getpath($p) | node_filter);
        def leaf_paths: paths(scalars);
        def isempty(g): first((g | false), true);
        def any: reduce .[] as $x (false; . or $x);
        def all: reduce .[] as $x (true; . and $x);
        def any(f): reduce (.[] | f) as $x (false; . or $x);
        def all(f): reduce (.[] | f) as $x (true; . and $x);
        def any(g; cond): isempty(first(g | cond | select(.))) | not;
        def all(g; cond): isempty(first(g | cond | select(. | not)));
        def isfinite: type == "number" and (isinfinite | not);
        def finites: select(isinfinite or isnan | not);
        def normals: select(isnormal);
        def in(xs): . as $x | xs | has($x);
        def inside(xs): . as $x | xs | contains($x);
        def first: .[0];
        def last: .[-1];
        def nth($n): .[$n];
        def last(f): reduce f as $x (null; $x);
        def nth($n; f): if $n < 0 then error("nth doesn't support negative indices") else last(limit($n + 1; f)) end;
        def until(cond; update): def _until: if cond then . else (update | _until) end; _until;
        def while(cond; update): def _while: if cond then ., (update | _while) else empty end; _while;
        def repeat(f): def _repeat: f, _repeat; _repeat;
        def sort_by(f): _sort_by_impl(map([f]));
        def group_by(f): _group_by_impl(map([f]));
        def unique_by(f): _unique_by_impl(map([f]));
        def min_by(f): _min_by_impl(map([f]));
        def max_by(f): _max_by_impl(map([f]));
        def flatten: flatten(1e9);
        def index($i): indices($i) | .[0];
        def rindex($i): indices($i) | .[-1:][0];
        def combinations: if length == 0 then [] else .[0][] as $x | (.[1:] | combinations) as $w | [$x] + $w end;
        def combinations(n): . as $dot | [range(n)] | map($dot) | combinations;
        def walk(f): . as $in | if type == "object" then reduce keys_unsorted[] as $key ({}; . + {($key): ($in[$key] | walk(f))}) | f elif type == "array" then map(walk(f)) | f else f end;
        def transpose: if . == [] then [] else . as $in | (map(length) | max) as $max | [range(0; $max) as $j | [range(0; $in | length) as $i | $in[$i][$j]]] end;
        def todateiso8601: strftime("%Y-%m-%dT%H:%M:%SZ");
        def fromdateiso8601: strptime("%Y-%m-%dT%H:%M:%SZ") | mktime;
        def todate: todateiso8601;
        def fromdate: fromdateiso8601;
        def match(re; mode): _match_impl(re; mode; false) | .[];
        def match($val): ($val | type) as $vt | if $vt == "string" then match($val; null) elif $vt == "array" and ($val | length) > 1 then match($val[0]; $val[1]) elif $vt == "array" and ($val | length) > 0 then match($val[0]; null) else error($vt + " not a string or array") end;
        def test(re; mode): _match_impl(re; mode; true);
        def test($val): ($val | type) as $vt | if $vt == "string" then test($val; null) elif $vt == "array" and ($val | length) > 1 then test($val[0]; $val[1]) elif $vt == "array" and ($val | length) > 0 then test($val[0]; null) else error($vt + " not a string or array") end;
        def capture(re; mods): match(re; mods) | reduce (.captures | .[] | select(.name != null) | {key: .name, value: .string}) as $pair ({}; . + {($pair.key): $pair.value});
        def capture($val): ($val | type) as $vt | if $vt == "string" then capture($val; null) elif $vt == "array" and ($val | length) > 1 then capture($val[0]; $val[1]) elif $vt == "array" and ($val | length) > 0 then capture($val[0]; null) else error($vt + " not a string or array") end;
        def scan(re): match(re; "g") | if (.captures | length > 0) then [.captures | .[] | .string] else .string end;
        def splits($re; flags): split($re; flags) | .[];
        def splits($re): splits($re; null);
        def truncate_stream(stream): . as $n | null | stream | . as $input | if (.[0] | length) > $n then setpath([0]; .[0][$n:]) else empty end;
        def IN(s): any(s == .; .);
        def IN(src; s): any(src == s; .);
        def INDEX(stream; idx_expr): reduce stream as $row ({}; .[$row | idx_expr | tostring] |= $row);
        def INDEX(idx_expr): INDEX(.[]; idx_expr);
        def JOIN($idx; idx_expr): [.[] | [., $idx[idx_expr]]];
        def JOIN($idx; stream; idx_expr): stream | [., $idx[idx_expr]];
        def JOIN($idx; stream; idx_expr; join_expr): stream | [., $idx[idx_expr]] | join_expr;
        """;

    private static readonly Lazy<(Scope Scope, Env Environment)> Built = new(Build, LazyThreadSafetyMode.ExecutionAndPublication);

    public static Scope Scope => Built.Value.Scope;

    public static Env Environment => Built.Value.Environment;

    private static (Scope, Env) Build()
    {
        var scope = new Scope(null);
        var definitions = Parser.ParseDefinitions(Source, scope);
        var env = Env.Empty;
        foreach (var definition in definitions)
        {
            env = env.WithFunction(definition);
            definition.FixedEnv = env;
        }
        return (scope, env);
    }
}
