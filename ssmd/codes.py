"""Every rule code, spelled once: `ssmd.rules` registers each rule under its constant.

Code that emits a finding before any rule runs (the YAML reader, the loader, the
suppression and configuration checks) names the code through these constants too, so
a code is never a bare string outside the rule registry. The constant is the rule's
name in upper case (`yaml-syntax` -> `YAML_SYNTAX`); tests/rules/test_registry.py keeps
the two lists equal. This module imports nothing: the lowest layers can use it.
"""

from typing import Final

YAML_SYNTAX: Final = "SSMD001"
DUPLICATE_KEY: Final = "SSMD002"
UNKNOWN_KEY: Final = "SSMD003"
MISSING_KEY: Final = "SSMD004"
INVALID_VALUE: Final = "SSMD005"
NAME_MISMATCH: Final = "SSMD006"
DUPLICATE_NAME: Final = "SSMD007"
INVALID_CONFIG: Final = "SSMD010"
INVALID_SUPPRESSION: Final = "SSMD011"
UNUSED_SUPPRESSION: Final = "SSMD012"
DUPLICATE_VERSION: Final = "SSMD101"
DUPLICATE_EFFECTIVE_FROM: Final = "SSMD102"
ENDPOINT_SCHEME: Final = "SSMD103"
UNKNOWN_TIMEZONE: Final = "SSMD104"
UNKNOWN_HOLIDAY_CALENDAR: Final = "SSMD105"
SCHEMA_FILE_MISSING: Final = "SSMD201"
HASH_MISMATCH: Final = "SSMD202"
SCHEMA_COMPILE_ERROR: Final = "SSMD203"
SCHEMA_FILE_ESCAPES: Final = "SSMD204"
UNKNOWN_COMPATIBLE_VERSION: Final = "SSMD205"
OLDER_VERSION_NOT_IN_HISTORY: Final = "SSMD206"
CIRCULAR_IMPORT: Final = "SSMD207"
COMPATIBILITY_CONTRADICTED: Final = "SSMD208"
STATUS_WENT_BACKWARDS: Final = "SSMD209"
UNKNOWN_FEED: Final = "SSMD301"
UNKNOWN_SCHEMA: Final = "SSMD302"
UNKNOWN_SCHEMA_VERSION: Final = "SSMD303"
DRAFT_SCHEMA_IN_ENVIRONMENT: Final = "SSMD304"
DEPRECATED_SCHEMA_IN_ENVIRONMENT: Final = "SSMD305"
NOTHING_IN_EFFECT: Final = "SSMD306"
INACTIVE_FEED: Final = "SSMD307"
UNDECLARED_AUTH_KEY: Final = "SSMD308"
STORAGE_TRANSPORT_INCONSISTENT: Final = "SSMD309"
RETROACTIVE_CHANGE: Final = "SSMD401"
