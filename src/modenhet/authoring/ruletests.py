"""Rule tests: YAML files in which a policy expert writes evidence and the levels and statuses a
rule set must give for it. Read strictly (a duplicate key, an unknown key, factor or criterion, a
level the factor cannot stand at, evidence that does not validate: each a located error), run,
and measured for coverage. Nothing here prints; `modenhet.cli.test` reports.
"""

from __future__ import annotations

import copy
import datetime
import difflib
import math
import os
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any, Literal

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from modenhet.check.model import FactorDef
from modenhet.engine.ruleset import RuleSet, load_ruleset
from modenhet.errors import Diagnostic, RuleError, RuleFileError
from modenhet.results import Evaluation

TEST_SUFFIXES = (".test.yaml", ".test.yml")
STATUSES = ("met", "not_met", "unknown", "error")
COUNTED = ("met", "not_met")  # the outcomes coverage counts, per criterion
Severity = Literal["error", "warning"]
Key = str | int  # a step of a path into the YAML document: a mapping key or a list index


# ------------------------------------------------------------------------------ what is found


@dataclass(frozen=True)
class Problem:
    """Something wrong with a test file, where it is: `FILE:LINE: error: MESSAGE`."""

    file: str
    line: int | None
    message: str
    severity: Severity = "error"
    column: int | None = None
    detail: str | None = None  # further lines (a rule file's source line and caret)

    def render(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        text = f"{where}: {self.severity}: {self.message}"
        return f"{text}\n{self.detail}" if self.detail else text

    @classmethod
    def of_diagnostic(cls, diagnostic: Diagnostic) -> Problem:
        _, _, rest = diagnostic.render().partition("\n")
        return cls(
            diagnostic.file,
            diagnostic.line,
            diagnostic.message,
            diagnostic.severity,
            diagnostic.column,
            rest or None,
        )


@dataclass(frozen=True)
class Expectation:
    """One expected value of a case: the overall level, a factor's level or a criterion's
    status (with, optionally, its missing paths)."""

    kind: Literal["overall", "factor", "criterion"]
    target: str  # "" for overall, the factor ID, or FACTOR.CRITERION
    line: int
    level: int | None = None
    status: str | None = None
    missing: tuple[str, ...] | None = None

    def describe(self) -> str:
        if self.kind == "criterion":
            return _status_text(self.status or "", self.missing)
        return f"level {self.level}"


@dataclass
class Case:
    """One named case: the evidence (overrides applied) and what it must give."""

    name: str
    file: str
    line: int
    document: dict[str, Any] | None
    as_of: datetime.date | None
    expectations: list[Expectation]
    problems: list[Problem] = field(default_factory=list)

    @property
    def runnable(self) -> bool:
        if self.document is None or self.as_of is None:
            return False
        return not any(p.severity == "error" for p in self.problems)


@dataclass
class TestFile:
    """A test file as read: its rule set and cases, and every problem found in it. A file with
    an error outside its cases runs no case; a case with an error is not run."""

    __test__ = False  # not a pytest class

    path: str
    rules: str | None = None  # the rule set's path, as shown
    ruleset: RuleSet | None = None
    as_of: datetime.date | None = None
    cases: list[Case] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def runnable(self) -> bool:
        return self.ruleset is not None and not any(p.severity == "error" for p in self.problems)


@dataclass
class CriterionReason:
    """A criterion that made the difference, with its status and why (`modenhet explain`'s
    tree: every value read, with its JSON pointer, or missing)."""

    factor: str
    id: str
    level: int
    title: str
    status: str
    missing: list[str]
    message: str | None
    file: str
    line: int
    why: dict[str, Any]


@dataclass
class Mismatch:
    """An expected value that the rule set did not give."""

    expectation: Expectation
    actual: str
    reasons: list[CriterionReason] = field(default_factory=list)
    note: str | None = None

    @property
    def summary(self) -> str:
        target = self.expectation.target or "overall"
        return f"{target}: expected {self.expectation.describe()}, got {self.actual}"


@dataclass
class CaseResult:
    case: Case
    evaluation: Evaluation
    mismatches: list[Mismatch]

    @property
    def passed(self) -> bool:
        return not self.mismatches


# ---------------------------------------------------------------------------------- coverage


@dataclass
class CriterionCoverage:
    factor: str
    id: str
    level: int
    seen: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATUSES, 0))

    @property
    def covered(self) -> int:
        """How many of the counted outcomes (met, not met) some case gave."""
        return sum(1 for status in COUNTED if self.seen[status])


@dataclass
class LevelCoverage:
    factor: str
    level: int
    cases: int = 0
    possible: bool = True  # False: the block above has no criteria, so the factor never stops here


@dataclass
class Coverage:
    """What the cases run against one rule set exercised.

    Counted: for each criterion, whether some case saw it `met` and whether some case saw it
    `not_met` (two items per criterion); for each factor, each level it can stand at (the floor
    and its own blocks), whether some case's factor stood at exactly that level (one item per
    level). `unknown` and `error` are shown but not counted. The total is the items covered over
    all items, as an exact fraction.
    """

    rules: str
    name: str
    criteria: list[CriterionCoverage]
    levels: list[LevelCoverage]
    cases: int = 0

    @classmethod
    def of(cls, ruleset: RuleSet, rules: str) -> Coverage:
        criteria = [
            CriterionCoverage(c.factor_id, c.id, c.level)
            for f in ruleset.factors
            for c in f.criteria
        ]
        levels = [
            LevelCoverage(factor.id, level, possible=possible)
            for factor in ruleset.factors
            for level, possible in standing_levels(factor, ruleset.model.floor)
        ]
        name = ruleset.name + (f" {ruleset.version}" if ruleset.version else "")
        return cls(rules, name, criteria, levels)

    def observe(self, evaluation: Evaluation) -> None:
        self.cases += 1
        by_id = {(c.factor, c.id): c for c in self.criteria}
        for factor in evaluation.factors.values():
            for criterion in factor.criteria:
                by_id[(factor.id, criterion.id)].seen[criterion.status] += 1
            for level in self.levels:
                if level.factor == factor.id and level.level == factor.level:
                    level.cases += 1

    @property
    def criteria_covered(self) -> int:
        return sum(c.covered for c in self.criteria)

    @property
    def levels_counted(self) -> list[LevelCoverage]:
        return [level for level in self.levels if level.possible]

    @property
    def levels_covered(self) -> int:
        return sum(1 for level in self.levels_counted if level.cases)

    @property
    def covered(self) -> int:
        return self.criteria_covered + self.levels_covered

    @property
    def total(self) -> int:
        return len(COUNTED) * len(self.criteria) + len(self.levels_counted)

    @property
    def percent(self) -> Fraction:
        """Exact: 133 of 134 is 13300/134 %, never rounded up to 100."""
        return Fraction(100 * self.covered, self.total) if self.total else Fraction(100)

    def below(self, threshold: Fraction) -> bool:
        return self.percent < threshold

    def uncovered(self) -> Iterator[str]:
        """What no case exercised, in rule-file order."""
        for criterion in self.criteria:
            for status in COUNTED:
                if not criterion.seen[status]:
                    label = status.replace("_", " ")
                    name = f"{criterion.factor}.{criterion.id}"
                    yield f"{name} (level {criterion.level}): never {label}"
        for level in self.levels_counted:
            if not level.cases:
                yield f"{level.factor}: no case stands at level {level.level}"


def standing_levels(factor: FactorDef, floor: int) -> list[tuple[int, bool]]:
    """The levels a factor can be at (the floor and its blocks), each with whether it can stand
    there: not when the block above it has no criteria, which is always reached."""
    numbers = [floor] + [block.number for block in factor.blocks]
    above = [bool(block.criteria) for block in factor.blocks] + [True]
    return list(zip(numbers, above, strict=True))


def percent_text(value: Fraction) -> str:
    """A percentage with two decimals, rounded down: 99.999 is shown as 99.99, never 100.00."""
    hundredths = math.floor(value * 100)
    return f"{hundredths // 100}.{hundredths % 100:02d}"


def parse_threshold(text: str) -> Fraction:
    """A `--fail-under` percentage, read exactly (`99.99`, `100`); ValueError if it is not one."""
    if not re.fullmatch(r"[0-9]+(\.[0-9]+)?", text.strip()):
        raise ValueError(f"{text!r} is not a percentage (a number from 0 to 100)")
    value = Fraction(text.strip())
    if value > 100:
        raise ValueError(f"{text!r} is more than 100")
    return value


# ------------------------------------------------------------------------------- the whole run


@dataclass
class TestRun:
    """Every test file read, every runnable case run, and the coverage per rule set."""

    __test__ = False

    files: list[TestFile]
    results: list[CaseResult]
    coverage: list[Coverage]

    @property
    def problems(self) -> list[Problem]:
        """Every problem, file by file: those in other files (the rule set) first, then the
        test file's own by line."""
        found: list[Problem] = []
        for test_file in self.files:
            own = test_file.problems + [p for case in test_file.cases for p in case.problems]
            found += sorted(own, key=lambda p: (p.file == test_file.path, p.line or 0))
        return found

    @property
    def errors(self) -> int:
        return sum(1 for p in self.problems if p.severity == "error")

    @property
    def failed(self) -> int:
        return sum(1 for r in self.results if not r.passed)

    @property
    def passed(self) -> int:
        return sum(1 for r in self.results if r.passed)


class PathNotFound(Exception):
    """A named path that does not exist: the run cannot start."""

    def __init__(self, path: str) -> None:
        super().__init__(f"{path}: no such file or folder")
        self.path = path


def discover(paths: Sequence[str], default_folder: Path | None = None) -> list[str]:
    """The test files the paths name (folders: every `*.test.yaml` and `*.test.yml` inside,
    recursively, hidden folders skipped, sorted); without paths, those in `default_folder` (the
    default rule set's folder). Raises `PathNotFound`."""
    if not paths:
        if default_folder is None:
            return []
        return [_shown(p) for p in _test_files_in(str(default_folder))]
    found: list[str] = []
    for path in paths:
        if os.path.isdir(path):
            found.extend(_test_files_in(path))
        elif os.path.exists(path):
            found.append(path)
        else:
            raise PathNotFound(path)
    return found


def _test_files_in(folder: str) -> list[str]:
    found: list[tuple[str, str]] = []
    for directory, subfolders, files in os.walk(folder):
        subfolders[:] = sorted(d for d in subfolders if not d.startswith("."))
        for name in files:
            if name.endswith(TEST_SUFFIXES):
                path = os.path.normpath(os.path.join(directory, name))
                found.append((Path(os.path.relpath(path, folder)).as_posix(), path))
    return [path for _, path in sorted(found)]


def _shown(path: str | Path) -> str:
    """A path relative to the working folder when it is below it, else absolute."""
    relative = os.path.relpath(path)
    return str(path) if relative.startswith("..") else relative


def run_tests(paths: Sequence[str], default_rules: Path) -> TestRun:
    """Read every test file, run every case that can run, and measure coverage."""
    loader = TestLoader(default_rules)
    files = [loader.load(path) for path in paths]
    results: list[CaseResult] = []
    coverage: dict[str, Coverage] = {}
    for test_file in files:
        if not test_file.runnable:
            continue
        ruleset = test_file.ruleset
        assert ruleset is not None and test_file.rules is not None
        key = os.path.realpath(test_file.rules)
        if key not in coverage:
            coverage[key] = Coverage.of(ruleset, test_file.rules)
        for case in test_file.cases:
            if case.runnable:
                result = run_case(ruleset, case)
                coverage[key].observe(result.evaluation)
                results.append(result)
    return TestRun(files, results, list(coverage.values()))


# ------------------------------------------------------------------------------- running a case


def run_case(ruleset: RuleSet, case: Case) -> CaseResult:
    """Evaluate a case's evidence and compare every expected value with what it gave."""
    assert case.document is not None and case.as_of is not None
    evaluation = ruleset.evaluate(case.document, case.as_of)
    explain = _Reasons(ruleset, case.document, case.as_of, evaluation)
    mismatches: list[Mismatch] = []
    for expected in case.expectations:
        if expected.kind == "overall":
            if evaluation.overall != expected.level:
                mismatches.append(explain.overall(expected))
        elif expected.kind == "factor":
            if evaluation.factors[expected.target].level != expected.level:
                mismatches.append(explain.factor(expected))
        else:
            factor_id, _, criterion_id = expected.target.partition(".")
            result = _criterion(evaluation, factor_id, criterion_id)
            missing = None if expected.missing is None else tuple(sorted(result.missing))
            if result.status != expected.status or (
                missing is not None and missing != expected.missing
            ):
                actual = _status_text(result.status, missing)
                reason = explain.reason(factor_id, criterion_id)
                mismatches.append(Mismatch(expected, actual, [reason]))
    return CaseResult(case, evaluation, mismatches)


def _criterion(evaluation: Evaluation, factor_id: str, criterion_id: str) -> Any:
    for criterion in evaluation.factors[factor_id].criteria:
        if criterion.id == criterion_id:
            return criterion
    raise KeyError(f"{factor_id}.{criterion_id}")


def _status_text(status: str, missing: Sequence[str] | None) -> str:
    if missing is None:
        return status
    return f"{status} (missing: {', '.join(missing) or 'nothing'})"


class _Reasons:
    """The criteria that made the difference between an expected and an actual level."""

    def __init__(
        self,
        ruleset: RuleSet,
        doc: dict[str, Any],
        as_of: datetime.date,
        evaluation: Evaluation,
    ) -> None:
        from modenhet.analyses.explain import Explainer

        self.ruleset = ruleset
        self.evaluation = evaluation
        self.explainer = Explainer(ruleset.exact, doc, as_of)

    def reason(self, factor_id: str, criterion_id: str) -> CriterionReason:
        result = _criterion(self.evaluation, factor_id, criterion_id)
        definition = result.definition
        return CriterionReason(
            factor_id,
            criterion_id,
            definition.level,
            definition.title,
            result.status,
            list(result.missing),
            result.message,
            definition.span.file,
            definition.span.line,
            self.explainer.criterion(definition).to_dict(),
        )

    def deciding(self, factor_id: str, expected: int) -> list[CriterionReason]:
        """Below the expected level: the criteria not met in the blocks up to it. Above: the
        criteria of the block just above the expected level, which are all met."""
        factor = self.evaluation.factors[factor_id]
        if factor.level < expected:
            chosen = [
                c
                for c in factor.criteria
                if factor.level < c.level <= expected and c.status != "met"
            ]
        else:
            above = [b.number for b in factor.definition.blocks if b.number > expected]
            chosen = [c for c in factor.criteria if above and c.level == above[0]]
        return [self.reason(factor_id, c.id) for c in chosen]

    def factor(self, expected: Expectation) -> Mismatch:
        assert expected.level is not None
        factor = self.evaluation.factors[expected.target]
        return Mismatch(
            expected, f"level {factor.level}", self.deciding(expected.target, expected.level)
        )

    def overall(self, expected: Expectation) -> Mismatch:
        assert expected.level is not None
        evaluation = self.evaluation
        reasons: list[CriterionReason] = []
        if evaluation.overall < expected.level:
            for factor in evaluation.factors.values():
                if factor.level < expected.level:
                    reasons += self.deciding(factor.id, expected.level)
        levels = ", ".join(f"{f.id} {f.level}" for f in evaluation.factors.values())
        note = f"factor levels: {levels} (overall {self.ruleset.model.overall})"
        return Mismatch(expected, f"level {evaluation.overall}", reasons, note)


# ------------------------------------------------------------------------------- reading YAML


class _Loader(yaml.SafeLoader):
    """PyYAML's safe loader with the YAML 1.2 core schema's plain scalars: only `true` and
    `false` are booleans (`no`, the code for Norway, stays text), dates stay text (evidence is
    JSON, where a date is a string), integers are decimal (`0123` is 123, not octal), and there
    are no sexagesimal numbers, `.inf` or `.nan`. Aliases are refused."""

    yaml_implicit_resolvers: dict[Any, Any] = {}

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            raise yaml.composer.ComposerError(
                None,
                None,
                "aliases (*name) are not used in test files; give shared evidence a name "
                "under `documents`",
                event.start_mark,
            )
        return super().compose_node(parent, index)


for _tag, _pattern, _first in (
    ("bool", r"true|True|TRUE|false|False|FALSE", "tTfF"),
    ("null", r"~|null|Null|NULL|", ["~", "n", "N", ""]),
    ("int", r"[-+]?[0-9]+", "-+0123456789"),
    (
        "float",
        r"[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+|[0-9]+(?=[eE]))(?:[eE][-+]?[0-9]+)?",
        "-+.0123456789",
    ),
):
    _Loader.add_implicit_resolver(
        f"tag:yaml.org,2002:{_tag}", re.compile(rf"^(?:{_pattern})$"), list(_first)
    )

_TAG = "tag:yaml.org,2002:"


class _Fatal(Exception):
    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


class _Yaml:
    """A YAML text as plain values (dicts, lists, text, numbers, booleans, None), with the line
    of every value and mapping key, by its path from the top."""

    def __init__(self, file: str, text: str) -> None:
        self.file = file
        self.lines: dict[tuple[Key, ...], int] = {}
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
        except yaml.MarkedYAMLError as error:
            mark = error.problem_mark or error.context_mark
            message = str(error.problem or error.context or "not valid YAML")
            if error.context and error.problem:
                message = f"{error.problem} ({error.context})"
            raise _Fatal(
                Problem(file, mark.line + 1 if mark else None, f"not valid YAML: {message}")
            ) from None
        except yaml.YAMLError as error:
            raise _Fatal(Problem(file, None, f"not valid YAML: {error}")) from None
        except RecursionError:
            raise _Fatal(Problem(file, None, "the test file is nested too deeply")) from None
        finally:
            loader.dispose()
        if node is None:
            raise _Fatal(Problem(file, 1, "the test file is empty"))
        self.value = self.build(node, ())

    def fail(self, node: Node, message: str) -> _Fatal:
        return _Fatal(Problem(self.file, node.start_mark.line + 1, message))

    def build(self, node: Node, path: tuple[Key, ...]) -> Any:
        self.lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, ScalarNode):
            return self.scalar(node)
        if isinstance(node, SequenceNode) and node.tag == _TAG + "seq":
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        if isinstance(node, MappingNode) and node.tag == _TAG + "map":
            result: dict[str, Any] = {}
            first: dict[str, int] = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, ScalarNode):
                    raise self.fail(key_node, "a key must be text, not a list or a mapping")
                key = unicodedata.normalize("NFC", key_node.value)
                line = key_node.start_mark.line + 1
                if key in first:
                    raise self.fail(
                        key_node,
                        f"the key '{key}' appears more than once in this mapping (first on line "
                        f"{first[key]}); a YAML reader would silently keep the last",
                    )
                first[key] = line
                self.lines[(*path, key)] = line
                result[key] = self.build(value_node, (*path, key))
            return result
        raise self.fail(node, f"the tag {node.tag} is not used in test files")

    def scalar(self, node: ScalarNode) -> Any:
        tag, text = node.tag, node.value
        try:
            if tag == _TAG + "str":
                return unicodedata.normalize("NFC", text)
            if tag == _TAG + "null":
                return None
            if tag == _TAG + "bool":
                return text.lower() == "true"
            if tag == _TAG + "int":
                return int(text, 10)
            if tag == _TAG + "float":
                number = float(text)
                if math.isfinite(number):
                    return number
                raise self.fail(node, f"{text} is too large a number")
        except ValueError:
            raise self.fail(node, f"{text!r} is not a {tag.removeprefix(_TAG)}") from None
        raise self.fail(node, f"the tag {tag} is not used in test files")

    def line(self, path: tuple[Key, ...]) -> int:
        """The line of the value (or key) at `path`, or of the nearest thing above it."""
        while path not in self.lines and path:
            path = path[:-1]
        return self.lines.get(path, 1)


# ------------------------------------------------------------------------- reading a test file

TOP_KEYS = ("rules", "as_of", "documents", "cases")
CASE_KEYS = ("evidence", "set", "unset", "as_of", "expect")
EXPECT_KEYS = ("overall", "factors", "criteria")
CRITERION_KEYS = ("status", "missing")


class TestLoader:
    """Reads test files; a rule set named by several is loaded once."""

    __test__ = False

    def __init__(self, default_rules: Path) -> None:
        self.default_rules = default_rules
        self.rulesets: dict[str, RuleSet | list[Problem]] = {}

    def load(self, path: str) -> TestFile:
        test_file = TestFile(path)
        try:
            _FileReader(self, test_file).read()
        except _Fatal as fatal:
            test_file.problems.append(fatal.problem)
        return test_file

    def ruleset(self, rules: str, file: str, line: int) -> tuple[RuleSet | None, list[Problem]]:
        """The rule set, or None; and the problems to report with this test file (a rule set's
        errors and warnings are reported with the first test file that uses it)."""
        key = os.path.realpath(rules)
        if key in self.rulesets:
            found = self.rulesets[key]
            if isinstance(found, RuleSet):
                return found, []
            return None, [Problem(file, line, f"the rule set {rules} does not check")]
        try:
            ruleset = load_ruleset(rules)
        except RuleFileError as error:
            return None, [
                Problem(file, line, f"the rule set {rules} cannot be read: {error.message}")
            ]
        except RuleError as error:
            problems = [Problem.of_diagnostic(d) for d in error.diagnostics]
            self.rulesets[key] = problems
            message = f"the rule set {rules} does not check (see above)"
            return None, [*problems, Problem(file, line, message)]
        self.rulesets[key] = ruleset
        return ruleset, [Problem.of_diagnostic(d) for d in ruleset.warnings]


class _FileReader:
    """One test file, read into a `TestFile`."""

    yaml: _Yaml
    ruleset: RuleSet

    def __init__(self, loader: TestLoader, test_file: TestFile) -> None:
        self.loader = loader
        self.out = test_file
        self.file = test_file.path
        self.folder = os.path.dirname(self.file)
        self.evidence_files: dict[str, dict[str, Any] | None] = {}

    def problem(self, path: tuple[Key, ...], message: str) -> Problem:
        return Problem(self.file, self.yaml.line(path), message)

    def read(self) -> None:
        try:
            with open(self.file, "rb") as handle:
                data = handle.read()
        except OSError as error:
            raise _Fatal(Problem(self.file, None, f"cannot be read: {error.strerror}")) from None
        if data.startswith(b"\xef\xbb\xbf"):
            data = data[3:]
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            raise _Fatal(
                Problem(
                    self.file,
                    data[: error.start].count(b"\n") + 1,
                    f"not UTF-8: byte {error.start} (0x{data[error.start]:02x}) cannot be "
                    "decoded; save the file as UTF-8",
                )
            ) from None
        self.yaml = _Yaml(self.file, text)
        top = self.yaml.value
        if not isinstance(top, dict):
            raise _Fatal(self.problem((), "a test file is a mapping with `as_of` and `cases`"))
        problems = self.out.problems
        problems += self.unknown_keys(top, (), TOP_KEYS, "test file")
        for key in ("as_of", "cases"):
            if key not in top:
                problems.append(self.problem((), f"the test file has no `{key}`"))
        if "as_of" in top:
            self.out.as_of = self.date(top["as_of"], ("as_of",), problems)
        rules, line = self.rules_path(top)
        self.out.rules = rules
        loaded, found = self.loader.ruleset(rules, self.file, line)
        problems += found
        if loaded is None:
            return
        self.ruleset = self.out.ruleset = loaded
        documents = self.documents(top.get("documents", {}))
        cases = top.get("cases")
        if "cases" in top and (not isinstance(cases, dict) or not cases):
            problems.append(self.problem(("cases",), "`cases` is a mapping of named cases"))
            return
        for name, body in (cases or {}).items():
            self.out.cases.append(self.case(name, body, documents))

    def unknown_keys(
        self, mapping: dict[str, Any], path: tuple[Key, ...], known: Sequence[str], what: str
    ) -> list[Problem]:
        problems = []
        for key in mapping:
            if key not in known:
                close = difflib.get_close_matches(key, known, n=1)
                hint = f"did you mean `{close[0]}`?" if close else "known: " + ", ".join(known)
                problems.append(
                    self.problem((*path, key), f"unknown key `{key}` in {what} ({hint})")
                )
        return problems

    def rules_path(self, top: dict[str, Any]) -> tuple[str, int]:
        """The rule set: `rules`, relative to this file; else NAME.rules for NAME.test.yaml, or
        the one .rules file, in this file's folder or the one above; else the default."""
        if "rules" in top:
            value = top["rules"]
            if not isinstance(value, str) or not value:
                raise _Fatal(self.problem(("rules",), "`rules` is the path of a .rules file"))
            return os.path.normpath(os.path.join(self.folder, value)), self.yaml.line(("rules",))
        stem = os.path.basename(self.file)
        for suffix in (*TEST_SUFFIXES, ".yaml", ".yml"):
            if stem.endswith(suffix):
                stem = stem[: -len(suffix)]
                break
        candidates = [os.path.normpath(self.folder or "."), os.path.join(self.folder, "..")]
        for folder in candidates:
            named = os.path.join(folder, f"{stem}.rules")
            if os.path.isfile(named):
                return os.path.normpath(named), 1
        for folder in candidates:
            found = sorted(name for name in _listdir(folder) if name.endswith(".rules"))
            if len(found) == 1:
                return os.path.normpath(os.path.join(folder, found[0])), 1
            if len(found) > 1:
                raise _Fatal(
                    Problem(
                        self.file,
                        1,
                        f"several rule sets in {os.path.normpath(folder)} ({', '.join(found)}): "
                        "name the one to test with `rules:`",
                    )
                )
        return _shown(self.loader.default_rules), 1

    def date(
        self, value: Any, path: tuple[Key, ...], problems: list[Problem]
    ) -> datetime.date | None:
        if isinstance(value, str) and re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
            try:
                return datetime.date.fromisoformat(value)
            except ValueError:
                problems.append(self.problem(path, f"{value} is not a real date"))
                return None
        problems.append(self.problem(path, f"`{path[-1]}` is a date written YYYY-MM-DD"))
        return None

    # -- evidence

    def documents(self, value: Any) -> dict[str, dict[str, Any]]:
        """The named evidence documents; a problem with one is a problem of the file."""
        if not isinstance(value, dict):
            self.out.problems.append(
                self.problem(("documents",), "`documents` maps names to evidence")
            )
            return {}
        found: dict[str, dict[str, Any]] = {}
        for name, body in value.items():
            path: tuple[Key, ...] = ("documents", name)
            if isinstance(body, dict):
                document: dict[str, Any] | None = copy.deepcopy(body)
            elif isinstance(body, str) and body.endswith(".json"):
                document = self.evidence_file(body, path, self.out.problems)
            else:
                self.out.problems.append(
                    self.problem(path, "a document is evidence written here or a .json file")
                )
                document = None
            if document is not None:
                found[name] = document
        return found

    def evidence_file(
        self, name: str, path: tuple[Key, ...], problems: list[Problem]
    ) -> dict[str, Any] | None:
        from modenhet.evidence.reader import evidence_item

        shown = os.path.normpath(os.path.join(self.folder, name))
        if shown not in self.evidence_files:
            try:
                with open(shown, "rb") as handle:
                    data = handle.read()
            except OSError as error:
                problems.append(self.problem(path, f"{shown}: cannot be read: {error.strerror}"))
                return None
            item = evidence_item(shown, data)
            for violation in item.problems:
                where = violation.where(shown)
                problems.append(self.problem(path, f"{where}: {violation.message}"))
            self.evidence_files[shown] = None if item.problems else item.document
        document = self.evidence_files[shown]
        return copy.deepcopy(document)

    def case(self, name: str, body: Any, documents: dict[str, dict[str, Any]]) -> Case:
        path: tuple[Key, ...] = ("cases", name)
        case = Case(name, self.file, self.yaml.line(path), None, self.out.as_of, [])
        problems = case.problems
        if not isinstance(body, dict):
            problems.append(
                self.problem(path, f"case '{name}' is a mapping with `evidence` and `expect`")
            )
            return case
        problems += self.unknown_keys(body, path, CASE_KEYS, f"case '{name}'")
        if "as_of" in body:
            case.as_of = self.date(body["as_of"], (*path, "as_of"), problems)
        for key in ("evidence", "expect"):
            if key not in body:
                problems.append(self.problem(path, f"case '{name}' has no `{key}`"))
        if "expect" in body:
            case.expectations = self.expectations(body["expect"], (*path, "expect"), problems)
        if "evidence" in body:
            document = self.case_evidence(
                body["evidence"], (*path, "evidence"), documents, problems
            )
            if document is not None and self.overrides(document, body, path, problems):
                self.validate(document, body, path, problems)
                case.document = document
        return case

    def case_evidence(
        self,
        value: Any,
        path: tuple[Key, ...],
        documents: dict[str, dict[str, Any]],
        problems: list[Problem],
    ) -> dict[str, Any] | None:
        if isinstance(value, dict):  # the YAML reading made its keys text, its numbers finite
            return copy.deepcopy(value)
        if isinstance(value, str) and value.endswith(".json"):
            return self.evidence_file(value, path, problems)
        if isinstance(value, str):
            if value in documents:
                return copy.deepcopy(documents[value])
            if value in self.yaml.value.get("documents", {}):
                return None  # the document has problems of its own, reported with it
            close = difflib.get_close_matches(value, list(documents), n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            problems.append(
                self.problem(
                    path,
                    f"no document named '{value}' under `documents`{hint}; a file name ends "
                    "in .json",
                )
            )
            return None
        problems.append(
            self.problem(path, "`evidence` is a mapping, a .json file or a document's name")
        )
        return None

    def overrides(
        self,
        document: dict[str, Any],
        body: dict[str, Any],
        path: tuple[Key, ...],
        problems: list[Problem],
    ) -> bool:
        """Apply `unset`, then `set`; False when one of them cannot be applied."""
        before = len(problems)
        unset = body.get("unset", [])
        if not isinstance(unset, list):
            problems.append(self.problem((*path, "unset"), "`unset` is a list of paths"))
            unset = []
        changes = body.get("set", {})
        if not isinstance(changes, dict):
            problems.append(self.problem((*path, "set"), "`set` maps paths to values"))
            changes = {}
        for index, text in enumerate(unset):
            where = (*path, "unset", index)
            parts = self.evidence_path(text, where, problems)
            if parts is None:
                continue
            if text in changes:
                problems.append(self.problem(where, f"{text} is both in `set` and in `unset`"))
                continue
            error = unset_path(document, parts)
            if error:
                problems.append(self.problem(where, f"cannot unset {text}: {error}"))
        for text, value in changes.items():
            where = (*path, "set", text)
            parts = self.evidence_path(text, where, problems)
            if parts is None:
                continue
            error = set_path(document, parts, copy.deepcopy(value))
            if error:
                problems.append(self.problem(where, f"cannot set {text}: {error}"))
        return len(problems) == before

    def evidence_path(
        self, text: Any, where: tuple[Key, ...], problems: list[Problem]
    ) -> list[Key] | None:
        if not isinstance(text, str):
            problems.append(self.problem(where, "a path is text, like evidence.economy.budget_nok"))
            return None
        parts = parse_path(text)
        if isinstance(parts, str):
            problems.append(self.problem(where, parts))
            return None
        return parts

    def validate(
        self,
        document: dict[str, Any],
        body: dict[str, Any],
        path: tuple[Key, ...],
        problems: list[Problem],
    ) -> None:
        """Schema violations of the case's evidence, at the `set` entry that caused one, or
        the written evidence's line, or the `evidence` key."""
        changed = {
            pointer_of(parts): text
            for text in body.get("set", {})
            if isinstance(parts := parse_path(text), list)
        }
        for violation in self.ruleset.violations(document):
            where: tuple[Key, ...] = (*path, "evidence")
            for pointer, text in changed.items():
                if violation.pointer == pointer or violation.pointer.startswith(pointer + "/"):
                    where = (*path, "set", text)
                    break
            else:
                if isinstance(body.get("evidence"), dict):
                    where = (*path, "evidence", *_pointer_keys(violation.pointer))
            message = f"case '{path[-1]}': the evidence does not validate: "
            message += f"#{violation.pointer}: " if violation.pointer else ""
            problem = self.problem(where, message + violation.message)
            if violation.severity == "warning":
                problem = Problem(problem.file, problem.line, problem.message, "warning")
            problems.append(problem)

    # -- expected values

    def expectations(
        self, value: Any, path: tuple[Key, ...], problems: list[Problem]
    ) -> list[Expectation]:
        if not isinstance(value, dict) or not value:
            problems.append(
                self.problem(path, "`expect` gives `overall`, `factors` and/or `criteria`")
            )
            return []
        problems += self.unknown_keys(value, path, EXPECT_KEYS, "`expect`")
        found: list[Expectation] = []
        ruleset = self.ruleset
        declared = [level.number for level in ruleset.levels]
        if "overall" in value:
            level = self.level(
                value["overall"], (*path, "overall"), declared, "the rule set", problems
            )
            if level is not None:
                found.append(Expectation("overall", "", self.yaml.line((*path, "overall")), level))
        factors = {factor.id: factor for factor in ruleset.factors}
        for factor_id, level_value in self.mapping(value, "factors", path, problems).items():
            where = (*path, "factors", factor_id)
            factor = factors.get(factor_id)
            if factor is None:
                problems.append(self.problem(where, _unknown("factor", factor_id, list(factors))))
                continue
            possible = [number for number, _ in standing_levels(factor, ruleset.model.floor)]
            level = self.level(level_value, where, possible, f"factor {factor_id}", problems)
            if level is not None:
                found.append(Expectation("factor", factor_id, self.yaml.line(where), level))
        for target, status in self.mapping(value, "criteria", path, problems).items():
            where = (*path, "criteria", target)
            expectation = self.criterion(target, status, where, factors, problems)
            if expectation is not None:
                found.append(expectation)
        return found

    def mapping(
        self, value: dict[str, Any], key: str, path: tuple[Key, ...], problems: list[Problem]
    ) -> dict[str, Any]:
        found = value.get(key, {})
        if isinstance(found, dict):
            return found
        problems.append(self.problem((*path, key), f"`{key}` is a mapping"))
        return {}

    def level(
        self,
        value: Any,
        where: tuple[Key, ...],
        possible: list[int],
        what: str,
        problems: list[Problem],
    ) -> int | None:
        if isinstance(value, int) and not isinstance(value, bool) and value in possible:
            return value
        shown = ", ".join(map(str, possible))
        problems.append(
            self.problem(where, f"{_yaml_text(value)} is not a level of {what} (levels: {shown})")
        )
        return None

    def criterion(
        self,
        target: str,
        value: Any,
        where: tuple[Key, ...],
        factors: dict[str, FactorDef],
        problems: list[Problem],
    ) -> Expectation | None:
        factor_id, dot, criterion_id = target.partition(".")
        factor = factors.get(factor_id)
        if not dot or factor is None:
            message = "a criterion is written FACTOR.CRITERION, like economy.budget_allocated"
            if dot:
                message = _unknown("factor", factor_id, list(factors))
            problems.append(self.problem(where, message))
            return None
        criteria = [c.id for c in factor.criteria]
        if criterion_id not in criteria:
            problems.append(
                self.problem(where, _unknown(f"criterion of {factor_id}", criterion_id, criteria))
            )
            return None
        missing: tuple[str, ...] | None = None
        status = value
        if isinstance(value, dict):
            problems += self.unknown_keys(value, where, CRITERION_KEYS, target)
            status = value.get("status")
            if "missing" in value:
                listed = value["missing"]
                if not isinstance(listed, list) or not all(isinstance(p, str) for p in listed):
                    problems.append(
                        self.problem((*where, "missing"), "`missing` is a list of paths")
                    )
                    return None
                if status != "unknown":
                    problems.append(
                        self.problem((*where, "missing"), "only an unknown criterion has `missing`")
                    )
                    return None
                missing = tuple(sorted(listed))
        if status not in STATUSES:
            problems.append(
                self.problem(
                    where,
                    f"{_yaml_text(status)} is not a status (statuses: {', '.join(STATUSES)})",
                )
            )
            return None
        return Expectation("criterion", target, self.yaml.line(where), None, status, missing)


def _listdir(folder: str) -> list[str]:
    try:
        return os.listdir(folder or ".")
    except OSError:
        return []


def _unknown(what: str, name: str, known: Iterable[str]) -> str:
    known = list(known)
    close = difflib.get_close_matches(name, known, n=1)
    hint = f"did you mean '{close[0]}'?" if close else "known: " + ", ".join(known)
    return f"unknown {what} '{name}' ({hint})"


def _yaml_text(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f"'{value}'"
    if isinstance(value, int | float):
        return str(value)
    return "a list" if isinstance(value, list) else "a mapping"


# -------------------------------------------------------------------------- paths in evidence

_SEGMENT = re.compile(r"`([^`\n]+)`|([^.\[\]`\s]+)")
_INDEX = re.compile(r"\[([0-9]+)\]")


def parse_path(text: str) -> list[Key] | str:
    """`evidence.participation.user_organisations[0].involved_in` (back-ticks around a key
    that is not a plain name) as its keys and indices, or what is wrong with it."""
    parts: list[Key] = []
    position = 0
    while True:
        match = _SEGMENT.match(text, position)
        if match is None:
            return f"'{text}' is not a path like evidence.economy.budget_nok"
        parts.append(unicodedata.normalize("NFC", match.group(1) or match.group(2)))
        position = match.end()
        while (index := _INDEX.match(text, position)) is not None:
            parts.append(int(index.group(1)))
            position = index.end()
        if position == len(text):
            return parts
        if text[position] != ".":
            return f"'{text}' is not a path like evidence.economy.budget_nok"
        position += 1


def render_parts(parts: Sequence[Key]) -> str:
    text = ""
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += ("." if text else "") + part
    return text


def set_path(document: Any, parts: list[Key], value: Any) -> str | None:
    """Set the value at the path, making the objects on the way that are absent or null;
    what is wrong, or None."""
    target = document
    for depth, part in enumerate(parts[:-1]):
        where = render_parts(parts[: depth + 1])
        if isinstance(part, int):
            if not isinstance(target, list) or part >= len(target):
                return f"{render_parts(parts[:depth])} has no element [{part}]"
            target = target[part]
            continue
        if not isinstance(target, dict):
            return f"{render_parts(parts[:depth])} is not an object"
        if target.get(part) is None:
            if isinstance(parts[depth + 1], int):
                return f"{where} is not a list"
            target[part] = {}
        target = target[part]
    last = parts[-1]
    if isinstance(last, int):
        if not isinstance(target, list) or last >= len(target):
            return f"{render_parts(parts[:-1])} has no element [{last}]"
    elif not isinstance(target, dict):
        return f"{render_parts(parts[:-1])} is not an object"
    target[last] = value
    return None


def unset_path(document: Any, parts: list[Key]) -> str | None:
    """Remove the key (or list element) at the path; what is wrong, or None."""
    target = document
    for part in parts[:-1]:
        if isinstance(part, int):
            target = target[part] if isinstance(target, list) and part < len(target) else None
        else:
            target = target.get(part) if isinstance(target, dict) else None
    last = parts[-1]
    if isinstance(last, int) and isinstance(target, list) and last < len(target):
        del target[last]
        return None
    if isinstance(last, str) and isinstance(target, dict) and last in target:
        del target[last]
        return None
    return "it is not in the evidence"


def pointer_of(parts: Sequence[Key]) -> str:
    from modenhet.evidence.positions import escape_pointer

    return "".join(f"/{escape_pointer(str(part))}" for part in parts)


def _pointer_keys(pointer: str) -> list[Key]:
    """A JSON pointer's steps as YAML path steps (a number is taken as a list index)."""
    keys: list[Key] = []
    for raw in pointer.split("/")[1:]:
        step = raw.replace("~1", "/").replace("~0", "~")
        keys.append(int(step) if step.isdecimal() else step)
    return keys
