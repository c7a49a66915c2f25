"""The write side: build a change, validate it in memory, write it atomically.

`change` (the Change, the refusal policy, apply_change), `yamldoc` (round-trip
editing that keeps every byte it does not change), `atomic` (temp file + fsync +
rename), and one module per noun: `feeds`, `schemas`, `environments`.
"""
