"""OPA's Rego through regopy (PyPI `regopy`, the Python binding of rego-cpp): one policy.

`bustadsosialt.rego` holds the 52 criteria as a partial set `met` and computes each factor's
level and the overall level itself. It is built once per evaluation date into a bundle (the
date is `data.params.as_of`); each document is then the input of one query of that bundle.
How the policy keeps absent and null fields from counting as met is said at its top.
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path

from bench_evaluate import Doc

from peers import Levels, LevelsFunction, Peer

POLICY = Path(__file__).with_name("bustadsosialt.rego")


def build(as_of: datetime.date) -> LevelsFunction:
    from regopy import Input, Interpreter

    builder = Interpreter()
    builder.add_module(POLICY.name, POLICY.read_text(encoding="utf-8"))
    builder.add_data({"params": {"as_of": as_of.isoformat()}})
    bundle = builder.build("x = data.modenhet.result")
    rego = Interpreter()

    def levels(doc: Doc) -> Levels:
        rego.set_input(Input(doc))
        output = rego.query_bundle(bundle)
        result = json.loads(output.binding("x").json())
        return tuple(result["levels"]), result["overall"]

    return levels


PEER = Peer(
    name="Rego",
    distribution="regopy",
    module="regopy",
    missing="an absent key leaves a reference undefined, so the rule body fails; null is kept "
    "out by `is_number`/`is_string`/`== true` (Rego orders null below numbers and strings)",
    build=build,
)
