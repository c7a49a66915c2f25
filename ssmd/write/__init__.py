"""The write side: build a proposal, validate it in memory, write it atomically.

`proposal` (the Proposal, the refusal policy, apply_proposal), `yamldoc` (round-trip
editing that keeps every byte it does not change), `atomic` (temp file + fsync +
rename), and one module per noun: `feeds`, `schemas`, `environments`.
"""
