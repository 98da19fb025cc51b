"""The I/O floor of a batch run: read a JSONL file and write a JSON report of the same size,
with nothing but the JSON encoder.

    python benchmarks/io_floor.py DOCS.jsonl RECORDS.json REPORT.json [orjson|json]

Each line is parsed with `json.loads`; for line i the report gets RECORDS[i % len(RECORDS)]
(results modenhet made for some of the documents), written as modenhet writes its JSON report:
`json.dumps(..., ensure_ascii=False, indent=2)`, indented into a `results` list, the file
flushed to disk at the end. With `orjson` (the encoder modenhet's report uses when it is
installed, src/modenhet/report/jsontext.py) the same text is written by
`orjson.dumps(..., option=OPT_INDENT_2)`: the floor with the same encoder. What modenhet
does on top of this is the rule set's work: strict reading, validation, evaluation, the
results themselves.
"""

from __future__ import annotations

import json
import os
import sys


def main(documents: str, records_path: str, report: str, encoder: str = "json") -> int:
    if encoder == "orjson":
        import orjson

        def indented(value: object) -> str:
            return orjson.dumps(value, option=orjson.OPT_INDENT_2).decode()
    else:

        def indented(value: object) -> str:
            return json.dumps(value, ensure_ascii=False, indent=2)

    with open(records_path, encoding="utf-8") as handle:
        header, records = json.load(handle)
    with open(documents, "rb") as lines, open(report, "w", encoding="utf-8") as out:
        head = indented(header)
        out.write(head[:-2] + ',\n  "results": [')
        count = 0
        for line in lines:
            json.loads(line)
            text = indented(records[count % len(records)])
            out.write(("\n    " if count == 0 else ",\n    ") + text.replace("\n", "\n    "))
            count += 1
        out.write("\n  ]\n}\n")
        out.flush()
        os.fsync(out.fileno())
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:5]))
