"""Rule tests: YAML files in which a policy expert writes evidence and the levels and statuses a
rule set must give for it. Nothing here prints; `modenhet.cli.test` reports.

- `model`: what a test file says and what running it found
- `discover`: which test files a run reads
- `yamlfile`: YAML read strictly, every value with its line
- `paths`: evidence paths as test files write them; set and unset
- `reader`: a test file read: its rule set, documents and cases with their evidence
- `expectations`: a case's expected values checked against the rule set
- `runner`: the cases run, mismatches explained
- `coverage`: what the cases exercised, as an exact percentage
"""
