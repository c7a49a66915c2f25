"""Huge or key-flooded documents load quickly with a bounded list of problems."""

from ssmd.document import MAX_FILE_BYTES, MAX_PROBLEMS, load_document

PATH = "exchanges/environments/big.yaml"


def test_a_file_over_the_size_limit_is_not_parsed() -> None:
    document = load_document(PATH, "x: 1\n" * (MAX_FILE_BYTES // 5 + 1))
    assert [p.code for p in document.problems] == ["SSMD001"]
    assert "a registry file may hold; it was not read" in document.problems[0].message
    assert document.model is None


def test_problems_are_capped_with_a_summary() -> None:
    text = "name: big\nfeed: kalshi\nschema: trade\n" + "".join(
        f"x{i}: {i}\n" for i in range(MAX_PROBLEMS + 50)
    )
    document = load_document(PATH, text)
    assert len(document.problems) == MAX_PROBLEMS + 1
    assert document.problems[-1].message.startswith("50 more problems")
    assert document.model is not None  # the unknown keys are dropped, the rest still loads
