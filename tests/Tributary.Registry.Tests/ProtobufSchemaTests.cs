using Google.Protobuf;
using Google.Protobuf.Reflection;
using Tributary.Schemas;
using Tributary.Schemas.Compatibility;
using Tributary.Schemas.Protobuf;

namespace Tributary.Registry.Tests;

/// <summary>
/// Protobuf schemas in-process: the parser against protoc (same FileDescriptorProto for the same text), the canonical
/// text (stable, re-parses to the same descriptor, compiles with protoc), the base64 descriptor form, errors that name
/// the line, and the compatibility matrix per level.
/// </summary>
public sealed class ProtobufSchemaTests
{
    private const string Proto3 = """
        // A comment that the canonical form drops.
        syntax = "proto3";
        package shop.v1;

        import "google/protobuf/timestamp.proto";

        option java_package = "com.example.shop";
        option java_multiple_files = true;
        option optimize_for = SPEED;

        /* Block
           comment */
        message Order {
          option deprecated = true;
          int64 id = 1;
          string customer = 2 [json_name = "cust"];
          repeated Line lines = 3;
          map<string, int32> counts = 4;
          optional string note = 5;
          Status status = 6;
          google.protobuf.Timestamp at = 7;
          oneof payment {
            string card = 8;
            bytes token = 9 [deprecated = true];
          }
          repeated int32 codes = 10 [packed = false];
          map<int64, Line> by_id = 11;
          reserved 12, 15 to 17, 100 to max;
          reserved "old_field", "older";
          sint64 delta = 18;
          fixed32 f32 = 19;
          double ratio = 20;
          .shop.v1.Order.Line first = 21;

          message Line {
            string sku = 1;
            uint32 quantity = 2;
            Kind kind = 3;
            enum Kind {
              KIND_UNSPECIFIED = 0;
              PHYSICAL = 1;
              DIGITAL = 2 [deprecated = true];
            }
          }
        }

        enum Status {
          option allow_alias = true;
          STATUS_UNSPECIFIED = 0;
          OPEN = 1;
          STARTED = 1;
          CLOSED = 2;
          reserved 5, 9 to 11;
          reserved "GONE";
        }

        service Orders {
          rpc Get (Order) returns (Order);
          rpc Watch (stream Order) returns (stream Order.Line) {
            option deprecated = true;
          }
        }
        """;

    private const string Proto2 = """
        syntax = "proto2";
        package legacy;

        message Person {
          required string name = 1;
          optional int32 age = 2 [default = 30];
          repeated string emails = 3;
          optional string title = 4 [default = "n/a"];
          optional Color color = 5 [default = GREEN];
          optional double score = 6 [default = -1.5];
          extensions 100 to 199;
          enum Color {
            RED = 1;
            GREEN = 2;
          }
        }

        extend Person {
          optional string nickname = 100;
        }
        """;

    private static ProtobufSchema Parse(string text, params NamedSchemaText[] references) =>
        (ProtobufSchema)SchemaParser.Parse(SchemaTypes.Protobuf, text, references);

    /// <summary>protoc's FileDescriptorProto of the file (no source info), named default.proto as ours is.</summary>
    private static FileDescriptorProto Compile(string text, params (string Name, string Text)[] others)
    {
        using var directory = new TempDirectory();
        File.WriteAllText(System.IO.Path.Combine(directory.Path, "default.proto"), text);
        foreach (var (name, other) in others)
        {
            var path = System.IO.Path.Combine(directory.Path, name);
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
            File.WriteAllText(path, other);
        }
        Protoc.Run(directory.Path, "--descriptor_set_out=out.pb", "default.proto");
        var set = FileDescriptorSet.Parser.ParseFrom(File.ReadAllBytes(System.IO.Path.Combine(directory.Path, "out.pb")));
        return set.File.Single(f => f.Name == "default.proto");
    }

    [Theory]
    [InlineData(Proto3)]
    [InlineData(Proto2)]
    public void The_parser_builds_the_descriptor_protoc_builds(string text)
    {
        var ours = Parse(text).File;
        var protoc = Compile(text);
        Assert.Equal(protoc.ToString(), ours.ToString());
        Assert.Equal(protoc, ours);
    }

    [Theory]
    [InlineData(Proto3)]
    [InlineData(Proto2)]
    public void The_canonical_text_reparses_to_the_same_descriptor_and_compiles_with_protoc(string text)
    {
        var schema = Parse(text);
        var canonical = schema.CanonicalString;
        Assert.DoesNotContain("comment", canonical, StringComparison.Ordinal);
        var again = Parse(canonical);
        Assert.Equal(canonical, again.CanonicalString);
        Assert.Equal(StripMapOrder(schema.File), StripMapOrder(again.File));
        Assert.Equal(StripMapOrder(schema.File), StripMapOrder(Compile(canonical)));
    }

    /// <summary>The descriptor with each message's nested types sorted by name: the printer writes map fields where the field stands and nested messages after the fields, so a map entry's position among nested types may move.</summary>
    private static FileDescriptorProto StripMapOrder(FileDescriptorProto file)
    {
        var copy = file.Clone();
        void Sort(Google.Protobuf.Collections.RepeatedField<DescriptorProto> messages)
        {
            var sorted = messages.OrderBy(m => m.Name, StringComparer.Ordinal).ToList();
            messages.Clear();
            messages.AddRange(sorted);
            foreach (var message in messages)
            {
                Sort(message.NestedType);
            }
        }
        Sort(copy.MessageType);
        return copy;
    }

    [Fact]
    public void Whitespace_comments_and_qualified_names_do_not_change_the_canonical_text()
    {
        const string compact = "syntax=\"proto3\";package p;message A{int32 x=1;B b=2;message B{string y=1;}}";
        const string spread = """
            syntax = "proto3";
            // a comment
            package p;
            message A {
              int32 x = 1;   /* the x */
              .p.A.B b = 2;
              message B { string y = 1; }
            }
            """;
        Assert.Equal(Parse(compact).CanonicalString, Parse(spread).CanonicalString);
    }

    [Fact]
    public void A_base64_file_descriptor_is_accepted_as_the_same_schema()
    {
        var text = Parse(Proto3);
        var serialized = Convert.ToBase64String(Compile(Proto3).ToByteArray());
        var fromDescriptor = Parse(serialized);
        Assert.True(fromDescriptor.FromDescriptor);
        Assert.Equal(text.CanonicalString, fromDescriptor.CanonicalString);
    }

    [Fact]
    public void Imports_resolve_through_references()
    {
        const string common = "syntax = \"proto3\"; package common; message Money { string currency = 1; int64 units = 2; }";
        const string order = "syntax = \"proto3\"; package shop; import \"common/money.proto\"; message Order { common.Money total = 1; }";
        var schema = Parse(order, new NamedSchemaText("common/money.proto", common));
        Assert.Equal(".common.Money", schema.File.MessageType[0].Field[0].TypeName);
        Assert.Equal(Compile(order, ("common/money.proto", common)), schema.File);
        var missing = Assert.Throws<InvalidSchemaException>(() => Parse(order));
        Assert.Contains("common/money.proto", missing.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("syntax = \"proto3\";\nmessage A {\n  int32 x = 1\n}", "line 4:1")]
    [InlineData("syntax = \"proto3\";\nmessage A {\n  int32 x = 1;\n  string y = 1;\n}", "line 2:")]
    [InlineData("syntax = \"proto3\";\nmessage A {\n  Missing m = 1;\n}", "line 3:3")]
    [InlineData("syntax = \"proto4\";", "line 1:10")]
    [InlineData("syntax = \"proto3\";\n\nmessage A {\n  required int32 x = 1;\n}", "line 4:3")]
    [InlineData("syntax = \"proto2\";\nmessage A {\n  int32 x = 1;\n}", "line 3:3")]
    [InlineData("syntax = \"proto3\";\nmessage A {\n  int32 x = 19001;\n}", "line 3:13")]
    [InlineData("syntax = \"proto3\";\nmessage A {\n  string s = 1;\n  reserved 1;\n}", "line 2:")]
    [InlineData("syntax = \"proto3\";\nenum E {\n  A = 1;\n}", "line 2:")]
    [InlineData("syntax = \"proto3\";\nmessage A {\n  string s = 1 [unknown_option = true];\n}", "line 3:17")]
    public void Invalid_text_names_the_line(string text, string where)
    {
        var error = Assert.Throws<InvalidSchemaException>(() => Parse(text));
        Assert.Contains(where, error.Message, StringComparison.Ordinal);
    }

    // ---------------------------------------------------------------- compatibility matrix

    private const string V1 = "syntax = \"proto3\"; package p; message User { int32 id = 1; string name = 2; }";

    private static bool Compatible(CompatibilityLevel level, string candidate, params string[] previous) =>
        CompatibilityChecker.Check(level, Parse(candidate), previous.Select(p => (ParsedSchema)Parse(p)).ToArray()).Count == 0;

    private static IReadOnlyList<string> Backward(string candidate, string previous) =>
        CompatibilityChecker.Check(CompatibilityLevel.Backward, Parse(candidate), [Parse(previous)]);

    [Theory]
    // Adding and removing fields, renaming a field, widening int32 → int64: compatible at every level (proto3).
    [InlineData("message User { int32 id = 1; string name = 2; string email = 3; }", true, true, true)]
    [InlineData("message User { int32 id = 1; }", true, true, true)]
    [InlineData("message User { int32 id = 1; string full_name = 2; }", true, true, true)]
    [InlineData("message User { int64 id = 1; string name = 2; }", true, true, true)]
    // Renumbering: a field removed and one added — compatible while no number changes its kind.
    [InlineData("message User { int32 id = 1; string name = 3; }", true, true, true)]
    // Swapping numbers so that 1 becomes a string: incompatible both ways.
    [InlineData("message User { int32 id = 2; string name = 1; }", false, false, false)]
    // Wire families: int32 → sint32, int32 → string, string → bytes.
    [InlineData("message User { sint32 id = 1; string name = 2; }", false, false, false)]
    [InlineData("message User { bytes id = 1; string name = 2; }", false, false, false)]
    [InlineData("message User { int32 id = 1; bytes name = 2; }", true, true, true)]
    // A renamed message is a removed one; a changed package too.
    [InlineData("message Customer { int32 id = 1; string name = 2; }", false, false, false)]
    public void Field_evolutions_follow_the_level(string body, bool backward, bool forward, bool full)
    {
        var candidate = "syntax = \"proto3\"; package p; " + body;
        Assert.Equal(backward, Compatible(CompatibilityLevel.Backward, candidate, V1));
        Assert.Equal(forward, Compatible(CompatibilityLevel.Forward, candidate, V1));
        Assert.Equal(full, Compatible(CompatibilityLevel.Full, candidate, V1));
        Assert.True(Compatible(CompatibilityLevel.None, candidate, V1));
    }

    [Fact]
    public void Incompatible_changes_are_reported_with_their_path_and_type()
    {
        Assert.Equal(["Found incompatible change: Difference{fullPath='#/User/1', type=FIELD_SCALAR_KIND_CHANGED}"],
            Backward("syntax = \"proto3\"; package p; message User { sint32 id = 1; string name = 2; }", V1));
        Assert.Contains("Found incompatible change: Difference{fullPath='#/', type=PACKAGE_CHANGED}",
            Backward("syntax = \"proto3\"; package q; message User { int32 id = 1; string name = 2; }", V1));
        Assert.Contains("Found incompatible change: Difference{fullPath='#/User', type=MESSAGE_REMOVED}",
            Backward("syntax = \"proto3\"; package p; message Customer { int32 id = 1; string name = 2; }", V1));
    }

    [Fact]
    public void Proto2_required_fields_cannot_come_or_go()
    {
        const string v1 = "syntax = \"proto2\"; message U { required int32 id = 1; }";
        Assert.Contains("Found incompatible change: Difference{fullPath='#/U/2', type=REQUIRED_FIELD_ADDED}",
            Backward("syntax = \"proto2\"; message U { required int32 id = 1; required string name = 2; }", v1));
        Assert.Empty(Backward("syntax = \"proto2\"; message U { required int32 id = 1; optional string name = 2; }", v1));
        // Renumbering a required field removes one and adds another.
        var renumbered = Backward("syntax = \"proto2\"; message U { required int32 id = 3; }", v1);
        Assert.Contains("Found incompatible change: Difference{fullPath='#/U/1', type=REQUIRED_FIELD_REMOVED}", renumbered);
        Assert.Contains("Found incompatible change: Difference{fullPath='#/U/3', type=REQUIRED_FIELD_ADDED}", renumbered);
        // A numeric field's label change (optional → repeated) breaks; string ↔ bytes labels do not.
        Assert.NotEmpty(Backward("syntax = \"proto2\"; message U { repeated int32 id = 1; }", "syntax = \"proto2\"; message U { optional int32 id = 1; }"));
        Assert.Empty(Backward("syntax = \"proto2\"; message U { repeated string id = 1; }", "syntax = \"proto2\"; message U { optional string id = 1; }"));
    }

    [Fact]
    public void Oneof_changes_follow_confluents_rules()
    {
        const string plain = "syntax = \"proto3\"; message U { int32 a = 1; int32 b = 2; }";
        const string oneof = "syntax = \"proto3\"; message U { oneof x { int32 a = 1; int32 b = 2; } }";
        const string single = "syntax = \"proto3\"; message U { oneof x { int32 a = 1; } int32 b = 2; }";
        Assert.Contains("Found incompatible change: Difference{fullPath='#/U/x', type=MULTIPLE_FIELDS_MOVED_TO_ONEOF}", Backward(oneof, plain));
        Assert.Empty(Backward(single, plain));
        Assert.Contains("Found incompatible change: Difference{fullPath='#/U/x/2', type=ONEOF_FIELD_REMOVED}", Backward(single, oneof));
        Assert.Empty(Backward(oneof, single.Replace("int32 b = 2;", "", StringComparison.Ordinal)));
        // Adding or removing a whole oneof is compatible.
        Assert.Empty(Backward("syntax = \"proto3\"; message U { int32 a = 1; int32 b = 2; oneof y { string c = 3; } }", plain));
    }

    [Fact]
    public void Nested_message_and_map_changes_are_checked_through_the_field()
    {
        const string v1 = "syntax = \"proto3\"; message A { B b = 1; map<string, int32> m = 2; message B { int32 x = 1; } }";
        Assert.Empty(Backward("syntax = \"proto3\"; message A { B b = 1; map<string, int64> m = 2; message B { int32 x = 1; string y = 2; } }", v1));
        var broken = Backward("syntax = \"proto3\"; message A { B b = 1; map<string, string> m = 2; message B { double x = 1; } }", v1);
        Assert.Contains("Found incompatible change: Difference{fullPath='#/A/2', type=FIELD_SCALAR_KIND_CHANGED}", broken);
        Assert.Contains("Found incompatible change: Difference{fullPath='#/A.B/1', type=FIELD_SCALAR_KIND_CHANGED}", broken);
        Assert.Contains("Found incompatible change: Difference{fullPath='#/A/1', type=FIELD_NAMED_TYPE_CHANGED}", broken);
        Assert.Contains("Found incompatible change: Difference{fullPath='#/A/1', type=FIELD_KIND_CHANGED}",
            Backward("syntax = \"proto3\"; message A { int32 b = 1; map<string, int32> m = 2; message B { int32 x = 1; } }", v1));
    }

    [Fact]
    public void Transitive_levels_check_every_version()
    {
        const string v2 = "syntax = \"proto3\"; package p; message User { int32 id = 1; }";
        const string v3 = "syntax = \"proto3\"; package p; message User { int32 id = 1; double name = 2; }";
        Assert.True(Compatible(CompatibilityLevel.Backward, v3, V1, v2));
        Assert.False(Compatible(CompatibilityLevel.BackwardTransitive, v3, V1, v2));
        Assert.False(Compatible(CompatibilityLevel.FullTransitive, v3, V1, v2));
    }
}
