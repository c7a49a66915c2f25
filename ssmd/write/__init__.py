"""The write side: build a proposal, validate it in memory, write it atomically.

`proposal` (the Proposal, the refusal policy, apply_proposal), `textedit` (splices at the
reader's positions, every other byte kept), `atomic` (temp file + fsync +
rename), and one module per noun: `feeds`, `schemas`, `environments`.
"""
