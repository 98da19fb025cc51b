"""The specification suite: one module per topic of spec/language.md sections 2-6, each a list
of cases (`CASES`) written by hand from the spec; tests/test_semantics.py runs every case through
the engine, its exact evaluator and tests/reference.py."""
