"""The write side: build a change, validate it in memory, write it atomically.

`change` (the Change, the refusal policy, apply_change), `textedit` (splices at the
reader's positions, every other byte kept), `atomic` (temp file + fsync +
rename), and one module per noun: `feeds`, `schemas`, `environments`.
"""
