"""Evidence as an Excel workbook: a template generated from the evidence schema
(`template.py`), and the reader that turns a filled-in workbook back into the JSON document,
every problem located at its sheet and cell (`reader.py`). Both follow one layout, computed
from the schema by `layout.py`, so a schema change changes the workbook with it.
"""
