"""What the workbook template and the xlsx report share: cells of text that stay text, and
the same bytes for the same workbook (fixed timestamps in the file's metadata and its zip)."""

from __future__ import annotations

import datetime
import io
import re
import zipfile
from typing import Any

FIXED_TIME = datetime.datetime(2000, 1, 1)  # what a workbook says it was made and changed
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can carry


def set_text(cell: Any, value: str) -> None:
    """A text cell that stays text: openpyxl would make `=...` a formula, and Excel would run
    it (`=HYPERLINK(...)` from a document's name); a text cell shows it as it is."""
    cell.value = value
    cell.data_type = "s"


def workbook_bytes(workbook: Any, when: datetime.datetime = FIXED_TIME) -> bytes:
    """The workbook as .xlsx bytes that depend only on its content: openpyxl stamps the time
    of saving into docProps/core.xml and into every zip entry, so both are set to `when`."""
    workbook.properties.creator = "modenhet"
    workbook.properties.lastModifiedBy = "modenhet"
    buffer = io.BytesIO()
    workbook.save(buffer)
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ")
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                text = data.decode("utf-8")
                for tag in ("created", "modified"):
                    text = re.sub(
                        rf"(<dcterms:{tag}[^>]*>)[^<]*(</dcterms:{tag}>)",
                        rf"\g<1>{stamp}\g<2>",
                        text,
                    )
                data = text.encode("utf-8")
            entry = zipfile.ZipInfo(info.filename, date_time=_ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, data)
    return out.getvalue()


def write_binary(out: Any, data: bytes) -> None:
    """Bytes to a report's output: the text stream's binary buffer (a file, standard output)."""
    out.flush()
    buffer = getattr(out, "buffer", None)
    if buffer is None:
        raise TypeError("this output takes text only")
    buffer.write(data)
    buffer.flush()
