"""Several texts of one schema file compiled in one child run (history, SSMD208)."""

from __future__ import annotations

from ssmd.capnp.compiler import CapnpCompiler

PATH = "exchanges/schemas/trade.capnp"
COMMON = "exchanges/schemas/common.capnp"
COMMON_TEXT = b"@0xc1c2c3c4c5c6c7c9;\nstruct Money { units @0 :Int64; }\n"


def text(fields: str) -> bytes:
    return (
        b'@0xd8a4bd5c2f1e9a01;\nusing Common = import "/common.capnp";\n'
        b"struct Trade {\n" + fields.encode() + b"}\n"
    )


def test_each_variant_gets_its_own_text_and_imports() -> None:
    compiler = CapnpCompiler(use_disk_cache=False)
    variants = [
        ({PATH: text("  price @0 :Common.Money;\n"), COMMON: COMMON_TEXT}, PATH),
        (
            {PATH: text("  price @0 :Common.Money;\n  size @1 :UInt32;\n"), COMMON: COMMON_TEXT},
            PATH,
        ),
        ({PATH: text("  price @0 :Nope;\n"), COMMON: COMMON_TEXT}, PATH),
    ]
    results = compiler.compile_variants(variants)
    assert [r.ok for r in results] == [True, True, False]
    fields = [
        [f["name"] for f in r.structure["types"][r.structure["nodes"]["Trade"]["id"]]["fields"]]  # type: ignore[index]
        for r in results[:2]
    ]
    assert fields == [["price"], ["price", "size"]]
    assert results[2].errors[0].file == PATH  # the variant folder is not in the path
    assert (results[2].errors[0].line, results[2].errors[0].column) == (3, 12)
    # Cached like `compile`: asking again, or one by one, compiles nothing more.
    compiled = compiler.compiled_count
    again = compiler.compile(variants[1][0], [PATH])
    assert again[PATH].structure == results[1].structure
    assert compiler.compiled_count == compiled
