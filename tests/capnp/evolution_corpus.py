"""Schema pairs for the evolution checker, each with where it comes from.

Every case is written here in this project's own words (no third-party
schema is copied): a small old and new `.capnp` body, the rule ids the
checker must report old -> new (at `source`, the widest level: narrower
levels see the subset whose level they include), and, where given, the
rule ids for the reverse direction new -> old.

Sources:
- `ref`: the "Evolving your protocol" section of the Cap'n Proto language
  reference (capnproto.org/language.html), one bullet or exception each.
- `loader`: Cap'n Proto's own upgrade logic (schema-loader.c++,
  `checkCompatibility`, `canUpgradeToAnyPointer`, `canUpgradeToData`).
- `planted`: a planted break from issue 14's trial (the class it missed).
- `history`: the shape of a change seen in the real, long-lived history of
  Cap'n Proto's own schema, RPC and JSON files (issue 14's trial: a false
  alarm it raised on a change that kept old data readable), re-told on a
  market-data schema.
- `near`: a safe near-miss of a rule: the closest change that must NOT fire it.
"""

from __future__ import annotations

from dataclasses import dataclass

FILE_ID = "@0xd8a4bd5c2f1e9a01;\n"

TRADE = """
struct Trade {
  price @0 :Float64;
  size @1 :UInt32;
  side @2 :Side;
  enum Side { buy @0; sell @1; }
}
"""

FEED = """
interface Feed {
  subscribe @0 (symbol :Text, depth :UInt32) -> (stream :Text);
  stop @1 () -> ();
}
"""


@dataclass(frozen=True)
class Case:
    name: str
    source: str
    old: str
    new: str
    rules: frozenset[str]
    reverse: frozenset[str] | None = None
    near_miss_of: tuple[str, ...] = ()


def case(
    name: str,
    source: str,
    old: str,
    new: str,
    rules: set[str],
    reverse: set[str] | None = None,
    near_miss_of: str | tuple[str, ...] = (),
) -> Case:
    return Case(
        name,
        source,
        old,
        new,
        frozenset(rules),
        None if reverse is None else frozenset(reverse),
        (near_miss_of,) if isinstance(near_miss_of, str) else near_miss_of,
    )


def _with(body: str, old: str, new: str) -> str:
    assert old in body, old
    return body.replace(old, new)


BASE_FEED = (
    "interface Base { ping @0 () -> (); }\ninterface Feed extends(Base) { stop @0 () -> (); }\n"
)
WITH_QUOTE = TRADE.replace("side @2 :Side;", "side @2 :Side;\n  quote @3 :Quote;") + (
    "struct Quote { bid @0 :Float64; ask @1 :Float64; }\n"
)

CASES: list[Case] = [
    # --- allowed by the language reference -------------------------------------------------
    case(
        "new field with the next ordinal",
        "ref: new fields may be added",
        TRADE,
        _with(TRADE, "side @2 :Side;", "side @2 :Side;\n  venue @3 :Text;"),
        set(),
        reverse={"FIELD_NO_DELETE"},
        near_miss_of="FIELD_NO_DELETE",
    ),
    case(
        "reordered declarations",
        "ref: ordinals, not text order, identify fields",
        TRADE,
        "struct Trade {\n  enum Side { buy @0; sell @1; }\n  side @2 :Side;\n"
        "  size @1 :UInt32;\n  price @0 :Float64;\n}\n",
        set(),
        reverse=set(),
    ),
    case(
        "new enumerant at the end",
        "ref: new values may be added to enums",
        TRADE,
        _with(TRADE, "sell @1;", "sell @1; cross @2;"),
        set(),
        reverse={"ENUMERANT_NO_DELETE"},
        near_miss_of=("ENUMERANT_NO_DELETE", "ENUMERANT_SAME_NAME"),
    ),
    case(
        "new struct",
        "ref: new types may be added anywhere",
        TRADE,
        TRADE + "struct Quote { bid @0 :Float64; }\n",
        set(),
        reverse={"TYPE_NO_DELETE"},
        near_miss_of="TYPE_NO_DELETE",
    ),
    case(
        "field moved into a new union beside only new fields",
        "ref: a field may move into a union when the union and its other fields are new",
        TRADE,
        _with(TRADE, "size @1 :UInt32;", "union { size @1 :UInt32; lots @3 :UInt16; }"),
        set(),
        near_miss_of="UNION_MEMBERSHIP_STABLE",
    ),
    case(
        "field moved into a new group (wire-safe; JSON nests it)",
        "ref: a field may move into a group",
        TRADE,
        _with(TRADE, "size @1 :UInt32;", "amount :group { size @1 :UInt32; }"),
        {"FIELD_SAME_NAME"},
        reverse={"FIELD_SAME_NAME"},
    ),
    case(
        "List(UInt32) becomes a list of structs whose @0 is UInt32",
        "ref: List(T) of a primitive may become List(U) with U's @0 of type T",
        _with(TRADE, "side @2 :Side;", "side @2 :Side;\n  ids @3 :List(UInt32);"),
        _with(TRADE, "side @2 :Side;", "side @2 :Side;\n  ids @3 :List(Id);")
        + "struct Id { value @0 :UInt32; }\n",
        {"FIELD_SAME_SOURCE_TYPE"},
        reverse={"FIELD_SAME_TYPE", "TYPE_NO_DELETE"},
    ),
    case(
        "List(Text) becomes a list of structs whose @0 is Text",
        "ref: ... a blob may become List(U) (issue 14: flagged before)",
        _with(TRADE, "side @2 :Side;", "side @2 :Side;\n  tags @3 :List(Text);"),
        _with(TRADE, "side @2 :Side;", "side @2 :Side;\n  tags @3 :List(Tag);")
        + "struct Tag { text @0 :Text; weight @1 :UInt8; }\n",
        {"FIELD_SAME_SOURCE_TYPE"},
    ),
    case(
        "List(List(UInt8)) becomes a list of structs whose @0 is List(UInt8)",
        "ref: ... a list may become List(U) (issue 14: flagged before)",
        _with(TRADE, "side @2 :Side;", "side @2 :Side;\n  raw @3 :List(List(UInt8));"),
        _with(TRADE, "side @2 :Side;", "side @2 :Side;\n  raw @3 :List(Frame);")
        + "struct Frame { bytes @0 :List(UInt8); }\n",
        {"FIELD_SAME_SOURCE_TYPE"},
    ),
    case(
        "a type made generic, its uses bound to what the parameters replace",
        "ref: the Map -> Map(Key, Value) example (issue 14: flagged before)",
        "struct Map {\n  entries @0 :List(Entry);\n"
        "  struct Entry { key @0 :Text; value @1 :Text; }\n}\n"
        "struct Book { index @0 :Map; }\n",
        "struct Map(Key, Value) {\n  entries @0 :List(Entry);\n"
        "  struct Entry { key @0 :Key; value @1 :Value; }\n}\n"
        "struct Book { index @0 :Map(Text, Text); }\n",
        {"FIELD_SAME_SOURCE_TYPE"},
    ),
    case(
        "a generic struct's field moved to its other parameter",
        "ref: generics (binary identical; the uses that bind them are compared)",
        "struct Pair(A, B) { first @0 :A; second @1 :B; }\n",
        "struct Pair(A, B) { first @0 :B; second @1 :A; }\n",
        {"FIELD_SAME_SOURCE_TYPE"},
    ),
    case(
        "Text without default gets an explicit empty default",
        "loader: defaults compared by value (issue 14: flagged before)",
        _with(TRADE, "side @2 :Side;", "side @2 :Side;\n  venue @3 :Text;"),
        _with(TRADE, "side @2 :Side;", 'side @2 :Side;\n  venue @3 :Text = "";'),
        set(),
        reverse=set(),
        near_miss_of="FIELD_SAME_DEFAULT",
    ),
    case(
        "a struct field widened to AnyPointer",
        "loader: canUpgradeToAnyPointer (history: flagged before, twice)",
        WITH_QUOTE,
        _with(WITH_QUOTE, "quote @3 :Quote;", "quote @3 :AnyPointer;"),
        {"FIELD_SAME_TEXT_TYPE"},
        reverse={"FIELD_SAME_TYPE"},
    ),
    case(
        "a struct field widened to AnyStruct",
        "loader: AnyPointer kinds; a struct is an AnyStruct",
        WITH_QUOTE,
        _with(WITH_QUOTE, "quote @3 :Quote;", "quote @3 :AnyStruct;"),
        {"FIELD_SAME_TEXT_TYPE"},
        near_miss_of="FIELD_SAME_TYPE",
    ),
    case(
        "an enum field becomes UInt16",
        "history: identical on the wire (flagged before)",
        TRADE,
        _with(TRADE, "side @2 :Side;", "side @2 :UInt16;"),
        {"FIELD_SAME_TEXT_TYPE"},
        reverse={"FIELD_SAME_TEXT_TYPE"},
    ),
    case(
        "Text becomes Data",
        "loader: canUpgradeToData",
        _with(TRADE, "side @2 :Side;", "side @2 :Side;\n  note @3 :Text;"),
        _with(TRADE, "side @2 :Side;", "side @2 :Side;\n  note @3 :Data;"),
        {"FIELD_SAME_TEXT_TYPE"},
        reverse={"FIELD_SAME_TYPE"},
    ),
    case(
        "a struct renamed without an explicit id",
        "history: renames reported as removals (flagged before, three times)",
        WITH_QUOTE,
        WITH_QUOTE.replace("Quote", "TopOfBook"),
        {"TYPE_NO_DELETE"},
        reverse={"TYPE_NO_DELETE"},
    ),
    case(
        "a field's struct swapped for another of the same layout",
        "history: a same-layout struct under the same ordinal (flagged before)",
        WITH_QUOTE,
        _with(WITH_QUOTE, "quote @3 :Quote;", "quote @3 :Bbo;")
        + "struct Bbo { bestBid @0 :Float64; bestAsk @1 :Float64; size @2 :UInt32; }\n",
        {"FIELD_SAME_TEXT_TYPE"},
        reverse={"FIELD_SAME_TYPE", "TYPE_NO_DELETE"},
    ),
    case(
        "same struct swapped, names kept",
        "history: a forked struct with identical members",
        WITH_QUOTE,
        _with(WITH_QUOTE, "quote @3 :Quote;", "quote @3 :Bbo;")
        + "struct Bbo { bid @0 :Float64; ask @1 :Float64; }\n",
        {"FIELD_SAME_SOURCE_TYPE"},
    ),
    case(
        "an unused interface removed",
        "history: flagged as a wire break before",
        TRADE + FEED,
        TRADE,
        {"TYPE_NO_DELETE"},
        reverse=set(),
    ),
    case(
        "two structs renamed in one scope, nested types following",
        "history: a file's types renamed together (each matched by its members)",
        "struct JsonQuote {\n  bid @0 :Float64;\n  ask @1 :Float64;\n"
        "  struct Level { px @0 :Float64; }\n}\n"
        "struct JsonTrade { price @0 :Float64; size @1 :UInt32; }\n",
        "struct Quote {\n  bid @0 :Float64;\n  ask @1 :Float64;\n"
        "  struct Level { px @0 :Float64; }\n}\n"
        "struct Trade { price @0 :Float64; size @1 :UInt64; }\n",
        {"TYPE_NO_DELETE", "FIELD_SAME_TYPE"},
    ),
    case(
        "a union member moved into nested new unions",
        "history: a Void member became a group of unions with only new members beside it",
        "struct Kind {\n  union {\n    text @0 :Void;\n    pointer :union {\n"
        "      unconstrained @1 :Void;\n      parameter @2 :UInt16;\n    }\n  }\n}\n",
        "struct Kind {\n  union {\n    text @0 :Void;\n    pointer :union {\n"
        "      unconstrained :union {\n        anyKind @1 :Void;\n        struct @3 :Void;\n"
        "      }\n      parameter @2 :UInt16;\n    }\n  }\n}\n",
        {"FIELD_SAME_NAME"},
    ),
    case(
        "an AnyPointer field narrowed to the kind it always held",
        "history: a value's list member narrowed to AnyList (Cap'n Proto's loader accepts it)",
        _with(TRADE, "side @2 :Side;", "side @2 :Side;\n  items @3 :AnyPointer;"),
        _with(TRADE, "side @2 :Side;", "side @2 :Side;\n  items @3 :AnyList;"),
        {"FIELD_SAME_SOURCE_TYPE"},
        reverse={"FIELD_SAME_TEXT_TYPE"},
    ),
    # --- planted breaks ------------------------------------------------------------------
    case(
        "FIELD_NO_DELETE",
        "ref: fields cannot be removed",
        TRADE,
        _with(TRADE, "side @2 :Side;", ""),
        {"FIELD_NO_DELETE"},
        reverse=set(),
    ),
    case(
        "FIELD_SAME_TYPE",
        "ref: any other change is not safe",
        TRADE,
        _with(TRADE, "size @1 :UInt32;", "size @1 :UInt64;"),
        {"FIELD_SAME_TYPE"},
        reverse={"FIELD_SAME_TYPE"},
    ),
    case(
        "FIELD_SAME_TYPE: List(Bool) to a list of structs",
        "ref: the List(Bool) exception (planted: missed before)",
        _with(TRADE, "side @2 :Side;", "side @2 :Side;\n  flags @3 :List(Bool);"),
        _with(TRADE, "side @2 :Side;", "side @2 :Side;\n  flags @3 :List(Flag);")
        + "struct Flag { on @0 :Bool; }\n",
        {"FIELD_SAME_TYPE"},
    ),
    case(
        "FIELD_SAME_TYPE: AnyStruct to AnyList",
        "loader: AnyPointer kinds (planted: missed before)",
        _with(TRADE, "side @2 :Side;", "side @2 :Side;\n  extra @3 :AnyStruct;"),
        _with(TRADE, "side @2 :Side;", "side @2 :Side;\n  extra @3 :AnyList;"),
        {"FIELD_SAME_TYPE"},
        reverse={"FIELD_SAME_TYPE"},
    ),
    case(
        "FIELD_SAME_TYPE: AnyPointer narrowed to Text",
        "loader: only a widening to AnyPointer is an upgrade",
        _with(TRADE, "side @2 :Side;", "side @2 :Side;\n  extra @3 :AnyPointer;"),
        _with(TRADE, "side @2 :Side;", "side @2 :Side;\n  extra @3 :Text;"),
        {"FIELD_SAME_TYPE"},
        reverse={"FIELD_SAME_TEXT_TYPE"},
    ),
    case(
        "FIELD_SAME_TYPE: a generic binding changed",
        "planted: Box(Exception) -> Box(Payload) (missed before)",
        "struct Box(T) { value @0 :T; }\nstruct Problem { reason @0 :Text; }\n"
        "struct Payload { code @0 :UInt32; }\nstruct Reply { body @0 :Box(Problem); }\n",
        "struct Box(T) { value @0 :T; }\nstruct Problem { reason @0 :Text; }\n"
        "struct Payload { code @0 :UInt32; }\nstruct Reply { body @0 :Box(Payload); }\n",
        {"FIELD_SAME_TYPE"},
        reverse={"FIELD_SAME_TYPE"},
    ),
    case(
        "FIELD_SAME_TYPE: a field's struct swapped for an incompatible one",
        "loader: a struct type change (compared field by field)",
        WITH_QUOTE,
        _with(WITH_QUOTE, "quote @3 :Quote;", "quote @3 :Bbo;")
        + "struct Bbo { bid @0 :UInt64; }\n",
        {"FIELD_SAME_TYPE"},
    ),
    case(
        "FIELD_SAME_TYPE: a generic struct changed, used with a binding",
        "history: a generic reference struct changed (reported once, at its declaration)",
        "struct Ref(Owner) { owner @0 :Owner; slot @1 :UInt8; }\n"
        "struct Api { ref @0 :Ref(Text); }\n",
        "struct Ref(Owner) { owner @0 :Owner; slot @1 :UInt16; }\n"
        "struct Api { ref @0 :Ref(Text); }\n",
        {"FIELD_SAME_TYPE"},
    ),
    case(
        "FIELD_SAME_DEFAULT",
        "ref: defaults are XOR-encoded",
        TRADE,
        _with(TRADE, "size @1 :UInt32;", "size @1 :UInt32 = 1;"),
        {"FIELD_SAME_DEFAULT"},
        reverse={"FIELD_SAME_DEFAULT"},
    ),
    case(
        "FIELD_SAME_DEFAULT: a text default changed by value",
        "loader: defaults compared by value",
        _with(TRADE, "side @2 :Side;", 'side @2 :Side;\n  venue @3 :Text = "XNAS";'),
        _with(TRADE, "side @2 :Side;", 'side @2 :Side;\n  venue @3 :Text = "XNYS";'),
        {"FIELD_SAME_DEFAULT"},
    ),
    case(
        "ORDINAL_STABLE",
        "ref: ordinals never change",
        TRADE,
        _with(TRADE, "size @1 :UInt32;", "lots @1 :UInt32;\n  size @3 :UInt32;"),
        {"ORDINAL_STABLE"},
    ),
    case(
        "near miss of ORDINAL_STABLE: a rename at the same ordinal",
        "ref: any symbolic name may change while ordinals stay",
        TRADE,
        _with(TRADE, "size @1 :UInt32;", "quantity @1 :UInt32;"),
        {"FIELD_SAME_NAME"},
        reverse={"FIELD_SAME_NAME"},
        near_miss_of="ORDINAL_STABLE",
    ),
    case(
        "FIELD_NAMES_SWAPPED",
        "planted: two same-typed fields swap ordinals (a warning only before)",
        "struct Quote {\n  bid @0 :Float64;\n  ask @1 :Float64;\n}\n",
        "struct Quote {\n  ask @0 :Float64;\n  bid @1 :Float64;\n}\n",
        {"FIELD_NAMES_SWAPPED"},
        reverse={"FIELD_NAMES_SWAPPED"},
    ),
    case(
        "near miss of FIELD_NAMES_SWAPPED: both fields renamed to new names",
        "ref: renames keep ordinals",
        "struct Quote {\n  bid @0 :Float64;\n  ask @1 :Float64;\n}\n",
        "struct Quote {\n  bestBid @0 :Float64;\n  bestAsk @1 :Float64;\n}\n",
        {"FIELD_SAME_NAME"},
        near_miss_of="FIELD_NAMES_SWAPPED",
    ),
    case(
        "UNION_MEMBERSHIP_STABLE",
        "ref: only new unions with new fields may gain old fields",
        "struct Event {\n  union {\n    a @0 :UInt32;\n    b @1 :Text;\n  }\n}\n",
        "struct Event {\n  a @0 :UInt32;\n  union {\n    b @1 :Text;\n    c @2 :Text;\n  }\n}\n",
        {"UNION_MEMBERSHIP_STABLE"},
    ),
    case(
        "UNION_MEMBERSHIP_STABLE: one change, one finding",
        "planted: a union whose tag shifted (26 findings before)",
        "struct Event {\n  id @0 :UInt8;\n  union {\n    a @1 :UInt32;\n    b @2 :Text;\n"
        "    c @3 :Text;\n  }\n}\n",
        "struct Event {\n  id @0 :UInt64;\n  union {\n    a @1 :UInt32;\n    b @2 :Text;\n"
        "    c @3 :Text;\n  }\n}\n",
        {"FIELD_SAME_TYPE"},
    ),
    case(
        "ENUMERANT_NO_DELETE",
        "ref: enumerants cannot be removed",
        TRADE,
        _with(TRADE, "sell @1;", ""),
        {"ENUMERANT_NO_DELETE"},
    ),
    case(
        "ENUMERANT_ORDINAL_STABLE",
        "planted: enumerants swap numbers (two rename warnings before)",
        TRADE,
        _with(TRADE, "buy @0; sell @1;", "sell @0; buy @1;"),
        {"ENUMERANT_ORDINAL_STABLE"},
        reverse={"ENUMERANT_ORDINAL_STABLE"},
    ),
    case(
        "ENUMERANT_SAME_NAME",
        "ref: names may change (JSON carries them)",
        TRADE,
        _with(TRADE, "sell @1;", "ask @1;"),
        {"ENUMERANT_SAME_NAME"},
        reverse={"ENUMERANT_SAME_NAME"},
        near_miss_of="ENUMERANT_ORDINAL_STABLE",
    ),
    case(
        "FIELD_SAME_NAME",
        "ref: names may change (JSON carries them)",
        TRADE,
        _with(TRADE, "price @0 :Float64;", "px @0 :Float64;"),
        {"FIELD_SAME_NAME"},
    ),
    case(
        "near miss of FIELD_SAME_NAME and FIELD_SAME_TEXT_TYPE: an unchanged field",
        "ref: nothing changed",
        TRADE,
        TRADE.replace("  price", "  # the traded price\n  price"),
        set(),
        reverse=set(),
        near_miss_of=("FIELD_SAME_NAME", "FIELD_SAME_SOURCE_TYPE", "FIELD_SAME_LAYOUT"),
    ),
    case(
        "TYPE_NO_DELETE",
        "ref: code names the type",
        TRADE + "struct Quote { bid @0 :Float64; }\n",
        TRADE,
        {"TYPE_NO_DELETE"},
    ),
    case(
        "TYPE_ID_STABLE",
        "ref: type ids are derived from the name unless explicit",
        TRADE,
        TRADE.replace("struct Trade {", "struct Trade @0xa1b2c3d4e5f60718 {"),
        {"TYPE_ID_STABLE"},
        reverse={"TYPE_ID_STABLE"},
    ),
    case(
        "near miss of TYPE_ID_STABLE: a rename keeping its explicit id",
        "ref: rename after declaring the id explicitly",
        TRADE.replace("struct Trade {", "struct Trade @0xa1b2c3d4e5f60718 {"),
        TRADE.replace("struct Trade {", "struct Deal @0xa1b2c3d4e5f60718 {"),
        {"TYPE_NO_DELETE"},
        near_miss_of="TYPE_ID_STABLE",
    ),
    # --- interfaces ----------------------------------------------------------------------
    case(
        "a new method and a new parameter at the end",
        "ref: new methods and trailing parameters may be added",
        FEED,
        _with(
            FEED,
            "depth :UInt32)",
            "depth :UInt32, venue :Text)",
        ).replace("stop @1 () -> ();", "stop @1 () -> ();\n  ping @2 () -> ();"),
        set(),
        reverse={"METHOD_NO_DELETE", "METHOD_PARAMS_COMPATIBLE"},
        near_miss_of=("METHOD_NO_DELETE", "METHOD_SAME_NAME"),
    ),
    case(
        "METHOD_NO_DELETE",
        "planted: a method deleted (interfaces were not compared before)",
        FEED,
        _with(FEED, "  stop @1 () -> ();\n", ""),
        {"METHOD_NO_DELETE"},
    ),
    case(
        "METHOD_ORDINAL_STABLE",
        "planted: two methods swap ordinals",
        FEED,
        "interface Feed {\n  stop @0 () -> ();\n"
        "  subscribe @1 (symbol :Text, depth :UInt32) -> (stream :Text);\n}\n",
        {"METHOD_ORDINAL_STABLE"},
    ),
    case(
        "METHOD_SAME_NAME",
        "ref: method names may change",
        FEED,
        _with(FEED, "stop @1", "halt @1"),
        {"METHOD_SAME_NAME"},
        near_miss_of="METHOD_ORDINAL_STABLE",
    ),
    case(
        "METHOD_PARAMS_COMPATIBLE",
        "planted: a parameter inserted before the others (implicit list)",
        FEED,
        _with(FEED, "(symbol :Text, depth :UInt32)", "(venue :Text, symbol :Text, depth :UInt32)"),
        {"METHOD_PARAMS_COMPATIBLE"},
    ),
    case(
        "METHOD_PARAMS_COMPATIBLE: a named parameter struct changed",
        "planted: a named params struct replaced by an incompatible one",
        "struct Req { id @0 :UInt32; }\nstruct Other { id @0 :Text; }\n"
        "interface Svc { get @0 Req -> (); }\n",
        "struct Req { id @0 :UInt32; }\nstruct Other { id @0 :Text; }\n"
        "interface Svc { get @0 Other -> (); }\n",
        {"METHOD_PARAMS_COMPATIBLE"},
    ),
    case(
        "near miss of METHOD_PARAMS_COMPATIBLE: a parameter renamed",
        "ref: parameter names may change",
        FEED,
        _with(FEED, "depth :UInt32)", "levels :UInt32)"),
        {"METHOD_SAME_NAME"},
        near_miss_of="METHOD_PARAMS_COMPATIBLE",
    ),
    case(
        "METHOD_RESULTS_COMPATIBLE",
        "planted: a result's type changed",
        FEED,
        _with(FEED, "(stream :Text)", "(stream :UInt64)"),
        {"METHOD_RESULTS_COMPATIBLE"},
    ),
    case(
        "near miss of METHOD_RESULTS_COMPATIBLE: a result added",
        "ref: new fields may be added (results are a struct)",
        FEED,
        _with(FEED, "(stream :Text)", "(stream :Text, depth :UInt32)"),
        set(),
        near_miss_of="METHOD_RESULTS_COMPATIBLE",
    ),
    case(
        "FIELD_SAME_TYPE: a capability field's interface swapped",
        "ref: RPC calls name the interface by id",
        "interface Feed { stop @0 () -> (); }\ninterface Tape { stop @0 () -> (); }\n"
        "struct Session { feed @0 :Feed; }\n",
        "interface Feed { stop @0 () -> (); }\ninterface Tape { stop @0 () -> (); }\n"
        "struct Session { feed @0 :Tape; }\n",
        {"FIELD_SAME_TYPE"},
        reverse={"FIELD_SAME_TYPE"},
    ),
    case(
        "near miss of FIELD_SAME_TYPE: a capability field widened to Capability",
        "loader: canUpgradeToAnyPointer (an interface is a Capability)",
        "interface Feed { stop @0 () -> (); }\nstruct Session { feed @0 :Feed; }\n",
        "interface Feed { stop @0 () -> (); }\nstruct Session { feed @0 :Capability; }\n",
        {"FIELD_SAME_TEXT_TYPE"},
        near_miss_of="FIELD_SAME_TYPE",
    ),
    case(
        "SUPERCLASS_NO_DELETE",
        "planted: a superclass dropped",
        BASE_FEED,
        "interface Base { ping @0 () -> (); }\ninterface Feed { stop @0 () -> (); }\n",
        {"SUPERCLASS_NO_DELETE"},
        reverse=set(),
    ),
    case(
        "near miss of SUPERCLASS_NO_DELETE: a superclass reached through a new intermediate",
        "ref: interfaces may gain superclasses",
        BASE_FEED,
        "interface Base { ping @0 () -> (); }\ninterface Mid extends(Base) { now @0 () -> (); }\n"
        "interface Feed extends(Mid) { stop @0 () -> (); }\n",
        set(),
        near_miss_of="SUPERCLASS_NO_DELETE",
    ),
    case(
        "INTERFACE_ID_STABLE",
        "ref: an interface renamed without an explicit id gets a new id (RPC uses it)",
        FEED,
        FEED.replace("interface Feed", "interface Stream"),
        {"INTERFACE_ID_STABLE", "TYPE_NO_DELETE"},
    ),
    case(
        "near miss of INTERFACE_ID_STABLE: renamed keeping an explicit id",
        "ref: declare the id explicitly before renaming",
        FEED.replace("interface Feed", "interface Feed @0xc0ffee0000000001"),
        FEED.replace("interface Feed", "interface Stream @0xc0ffee0000000001"),
        {"TYPE_NO_DELETE"},
        near_miss_of="INTERFACE_ID_STABLE",
    ),
    case(
        "near miss of FIELD_SAME_TEXT_TYPE: a UInt16 stays UInt16",
        "ref: nothing changed",
        _with(TRADE, "side @2 :Side;", "side @2 :UInt16;"),
        _with(TRADE, "side @2 :Side;", "side @2 :UInt16 = 0;"),
        set(),
        near_miss_of="FIELD_SAME_TEXT_TYPE",
    ),
]
