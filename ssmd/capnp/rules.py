"""The evolution rule ids, the compatibility level each belongs to, and what each break does.

Levels nest: `wire` (binary data and RPC calls stay readable both ways),
`wire+text` (also the JSON and text codecs, which carry names), `source`
(generated code keeps compiling: names of types, fields and methods). A rule
belongs to the lowest level it breaks; checking at a level treats every rule
of that level and below as breaking, and reports the others as notes.

The table is the single source of truth: docs/evolution.md lists it, and a
test checks that page against it.
"""

from __future__ import annotations

from dataclasses import dataclass

from ssmd.models import CompatibilityLevel

Level = CompatibilityLevel


@dataclass(frozen=True, slots=True)
class EvolutionRule:
    id: str
    level: Level
    summary: str
    breaks: str
    """Who is hurt, in one sentence (the finding's `consequence`)."""
    example: str


_OLD_NEW = "old data read by new code, and new data read by old code, are misread"

RULES: dict[str, EvolutionRule] = {
    r.id: r
    for r in (
        EvolutionRule(
            "FIELD_NO_DELETE",
            Level.WIRE,
            "a field's ordinal is gone",
            "old data's value is lost to new readers, and a later field may reuse the ordinal",
            "`side @2 :Side;` removed",
        ),
        EvolutionRule(
            "FIELD_SAME_TYPE",
            Level.WIRE,
            "the field at an ordinal changed to a type its old values cannot be read as",
            _OLD_NEW,
            "`size @1 :UInt32` -> `:UInt64`; `List(Bool)` -> `List(Lot)`; `AnyStruct` -> `AnyList`",
        ),
        EvolutionRule(
            "FIELD_SAME_DEFAULT",
            Level.WIRE,
            'a field\'s default value changed (compared by value: `:Text` equals `:Text = ""`)',
            "stored values are XOR-encoded against the default, so every old value changes meaning",
            "`size @1 :UInt32` -> `size @1 :UInt32 = 1`",
        ),
        EvolutionRule(
            "FIELD_SAME_LAYOUT",
            Level.WIRE,
            "a field kept its ordinal and type but moved in the encoding (reported only when "
            "no other change in the struct explains it)",
            _OLD_NEW,
            "none from a real pair (layout follows ordinals and types): a safety net",
        ),
        EvolutionRule(
            "ORDINAL_STABLE",
            Level.WIRE,
            "a field's name moved to another ordinal",
            "old data's value of the field is read under another name by new code",
            "`size @1` -> `size @3` with `lots @1` taking its place",
        ),
        EvolutionRule(
            "FIELD_NAMES_SWAPPED",
            Level.WIRE,
            "two fields exchanged ordinals (identical bytes, exchanged meaning)",
            "old data's values of the two fields are read as each other by new code",
            "`bid @0, ask @1` -> `ask @0, bid @1`",
        ),
        EvolutionRule(
            "UNION_MEMBERSHIP_STABLE",
            Level.WIRE,
            "a field entered, left or changed a union (other than moving into a new union "
            "beside only new fields)",
            "the union tag of old data no longer says which member is set",
            "`a @0` leaves `union { a @0; b @1; }`",
        ),
        EvolutionRule(
            "ENUMERANT_NO_DELETE",
            Level.WIRE,
            "an enumerant's number is gone",
            "old data holding that number is read as an unknown value",
            "`sell @1;` removed",
        ),
        EvolutionRule(
            "ENUMERANT_ORDINAL_STABLE",
            Level.WIRE,
            "an enumerant's name moved to another number",
            "old data's values are read as other enumerants by new code",
            "`buy @0; sell @1;` -> `sell @0; buy @1;`",
        ),
        EvolutionRule(
            "INTERFACE_ID_STABLE",
            Level.WIRE,
            "an interface's type id changed (renamed or moved without an explicit id, or the "
            "file id changed)",
            "RPC calls name the interface by id: old clients' calls fail on new servers",
            "`interface Feed` -> `interface Stream` without `@0x...`",
        ),
        EvolutionRule(
            "METHOD_NO_DELETE",
            Level.WIRE,
            "a method's ordinal is gone",
            "old clients calling it get `unimplemented` from new servers",
            "`unsubscribe @1 ...` removed",
        ),
        EvolutionRule(
            "METHOD_ORDINAL_STABLE",
            Level.WIRE,
            "a method's name moved to another ordinal",
            "old clients calling the method reach a different one on new servers",
            "`subscribe @0; stop @1;` -> `stop @0; subscribe @1;`",
        ),
        EvolutionRule(
            "METHOD_PARAMS_COMPATIBLE",
            Level.WIRE,
            "a method's parameters (a named struct or the implicit list) are no longer a "
            "compatible evolution of the old ones",
            "old clients' requests are misread by new servers (and the reverse)",
            "`get @0 (id :UInt32)` -> `get @0 (name :Text, id :UInt32)`",
        ),
        EvolutionRule(
            "METHOD_RESULTS_COMPATIBLE",
            Level.WIRE,
            "a method's results are no longer a compatible evolution of the old ones",
            "new servers' answers are misread by old clients (and the reverse)",
            "`-> (stream :Text)` -> `-> (stream :UInt64)`",
        ),
        EvolutionRule(
            "SUPERCLASS_NO_DELETE",
            Level.WIRE,
            "an interface no longer extends one of its old superclasses",
            "old clients calling inherited methods (by the superclass's id) fail",
            "`interface Feed extends(Base)` -> `interface Feed`",
        ),
        EvolutionRule(
            "FIELD_SAME_NAME",
            Level.WIRE_TEXT,
            "a field was renamed at the same ordinal (or moved into a group, which JSON nests)",
            "binary data is unchanged; JSON and text readers look for the old name",
            "`size @1` -> `quantity @1`",
        ),
        EvolutionRule(
            "ENUMERANT_SAME_NAME",
            Level.WIRE_TEXT,
            "an enumerant was renamed at the same number",
            "binary data is unchanged; JSON and text carry enumerant names",
            "`sell @1` -> `ask @1`",
        ),
        EvolutionRule(
            "FIELD_SAME_TEXT_TYPE",
            Level.WIRE_TEXT,
            "a field changed to a wire-compatible type the JSON and text codecs encode "
            "differently (enum <-> UInt16, Text -> Data, a pointer -> AnyPointer)",
            "binary data is unchanged; JSON and text written before no longer parse the same",
            "`side @2 :Side` -> `side @2 :UInt16`",
        ),
        EvolutionRule(
            "TYPE_NO_DELETE",
            Level.SOURCE,
            "a declaration is gone, or renamed, or changed kind",
            "code naming it no longer compiles; binary data is unaffected",
            "`struct Quote` removed or renamed to `Bbo`",
        ),
        EvolutionRule(
            "TYPE_ID_STABLE",
            Level.SOURCE,
            "a struct's or enum's type id changed while its name stayed",
            "binary data is unaffected; tools that load schemas by id (dynamic readers, "
            "annotations) see a different type",
            "`struct Trade {` -> `struct Trade @0xa1b2c3d4e5f60718 {`",
        ),
        EvolutionRule(
            "FIELD_SAME_SOURCE_TYPE",
            Level.SOURCE,
            "a field's declared type changed to another, wire-compatible one (another struct "
            "of the same layout, a new generic binding, a type parameter)",
            "binary data is unchanged; code using the old type no longer compiles",
            "`quote @3 :Quote` -> `quote @3 :Bbo` with the same fields",
        ),
        EvolutionRule(
            "METHOD_SAME_NAME",
            Level.SOURCE,
            "a method was renamed at the same ordinal, or its parameters renamed",
            "RPC calls are unchanged; code calling the old name no longer compiles",
            "`subscribe @0` -> `open @0`",
        ),
    )
}
