"""The server's settings (`ssmd.*` in the editor): one defaulted model.

Invalid settings never stop the server: it falls back to the defaults and
tells the user which value it ignored and why.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ssmd.resolve import today


class Settings(BaseModel):
    model_config = ConfigDict(populate_by_name=True, extra="ignore", frozen=True)

    as_of: dt.date | None = Field(
        None,
        alias="asOf",
        description="Date (YYYY-MM-DD) hovers, inlay hints and rules resolve versions on; "
        "empty means today (UTC).",
    )

    suppressed: Literal["hint", "hide"] = Field(
        "hint",
        description="Findings hidden by `# ssmd: ignore[...]`: shown as hints (greyed, "
        "with the reason) or not at all.",
    )

    def effective_as_of(self) -> dt.date:
        return self.as_of or today()


def parse_settings(raw: Any) -> tuple[Settings, str | None]:
    """Settings from what the client sent (the `ssmd` section), and a message if it was bad."""
    if raw is None:
        return Settings(), None
    if isinstance(raw, dict) and isinstance(raw.get("ssmd"), dict):
        raw = raw["ssmd"]
    if not isinstance(raw, dict):
        return Settings(), "ssmd settings must be an object; using the defaults"
    cleaned = {k: (None if v == "" else v) for k, v in raw.items()}
    try:
        return Settings.model_validate(cleaned), None
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in error.errors()
        )
        return Settings(), f"ignored invalid ssmd settings ({problems}); using the defaults"
