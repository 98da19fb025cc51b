"""Reading a rule test file into a `TestFile`: its rule set, named documents and cases, their
evidence with its changes applied and validated (an unknown key, a path that cannot be set,
evidence that does not validate: each a located problem). The expected values are checked
against the rule set by `expectations`.
"""

from __future__ import annotations

import copy
import datetime
import difflib
import os
import re
import stat
from pathlib import Path
from typing import Any

from modenhet.authoring.ruletests.discover import TEST_SUFFIXES, shown
from modenhet.authoring.ruletests.expectations import ExpectationReader
from modenhet.authoring.ruletests.model import Case, Key, Problem, TestFile
from modenhet.authoring.ruletests.paths import (
    parse_path,
    pointer_keys,
    pointer_of,
    set_path,
    unset_path,
)
from modenhet.authoring.ruletests.yamlfile import Fatal, YamlDocument
from modenhet.engine.ruleset import RuleSet, load_ruleset
from modenhet.errors import RuleError, RuleFileError
from modenhet.i18n import N_, Text
from modenhet.language.loader import (
    DIRECTORY,
    NO_SUCH_FILE,
    NOT_REGULAR,
    TOO_LARGE,
    Unreadable,
    read_bounded,
)

TOP_KEYS = ("rules", "as_of", "documents", "cases")
CASE_KEYS = ("evidence", "set", "unset", "as_of", "expect")


class TestLoader:
    """Reads test files; a rule set named by several is loaded once."""

    __test__ = False

    def __init__(self, default_rules: Path, *, rules_anywhere: bool = False) -> None:
        self.default_rules = default_rules
        self.rules_anywhere = rules_anywhere  # `--rules-anywhere`: `rules:` may leave the tree
        self.rulesets: dict[str, RuleSet | list[Problem]] = {}

    def load(self, path: str) -> TestFile:
        test_file = TestFile(path)
        try:
            _FileReader(self, test_file).read()
        except Fatal as fatal:
            test_file.problems.append(fatal.problem)
        return test_file

    def ruleset(self, rules: str, file: str, line: int) -> tuple[RuleSet | None, list[Problem]]:
        """The rule set, or None; and the problems to report with this test file (a rule set's
        errors and warnings are reported with the first test file that uses it)."""
        key = os.path.realpath(rules)
        refused = regular_file_problem(rules)
        if refused is not None:  # a FIFO found as NAME.rules would block
            return None, [Problem.of(file, line, Text(N_("the rule set %(why)s"), why=refused))]
        if key in self.rulesets:
            found = self.rulesets[key]
            if isinstance(found, RuleSet):
                return found, []
            message = Text(N_("the rule set %(rules)s does not check"), rules=rules)
            return None, [Problem.of(file, line, message)]
        try:
            ruleset = load_ruleset(rules)
        except RuleFileError as error:
            message = Text(
                N_("the rule set %(rules)s cannot be read: %(reason)s"),
                rules=rules,
                reason=error.text or error.message,
            )
            return None, [Problem.of(file, line, message)]
        except RuleError as error:
            problems = [Problem.of_diagnostic(d) for d in error.diagnostics]
            self.rulesets[key] = problems
            message = Text(N_("the rule set %(rules)s does not check (see above)"), rules=rules)
            return None, [*problems, Problem.of(file, line, message)]
        self.rulesets[key] = ruleset
        return ruleset, [Problem.of_diagnostic(d) for d in ruleset.warnings]


class _FileReader:
    """One test file, read into a `TestFile`."""

    yaml: YamlDocument
    ruleset: RuleSet
    expected: ExpectationReader

    def __init__(self, loader: TestLoader, test_file: TestFile) -> None:
        self.loader = loader
        self.out = test_file
        self.file = test_file.path
        self.folder = os.path.dirname(self.file)
        self.evidence_files: dict[str, dict[str, Any] | None] = {}

    def problem(self, path: tuple[Key, ...], message: Text) -> Problem:
        return Problem.of(self.file, self.yaml.line(path), message)

    def read(self) -> None:
        from modenhet.evidence.reader import MAX_DOCUMENT_BYTES

        try:
            data = read_regular(self.file, MAX_DOCUMENT_BYTES)
        except Unreadable as error:
            raise Fatal(Problem.of(self.file, None, _why(error))) from None
        if data.startswith(b"\xef\xbb\xbf"):
            data = data[3:]
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            raise Fatal(
                Problem.of(
                    self.file,
                    data[: error.start].count(b"\n") + 1,
                    Text(
                        N_(
                            "not UTF-8: byte %(byte)s (%(value)s) cannot be decoded; save the "
                            "file as UTF-8"
                        ),
                        byte=error.start,
                        value=f"0x{data[error.start]:02x}",
                    ),
                )
            ) from None
        self.yaml = YamlDocument(self.file, text)
        top = self.yaml.value
        if not isinstance(top, dict):
            raise Fatal(
                self.problem((), Text(N_("a test file is a mapping with `as_of` and `cases`")))
            )
        problems = self.out.problems
        problems += self.yaml.unknown_keys(top, (), TOP_KEYS, Text(N_("test file")))
        for key in ("as_of", "cases"):
            if key not in top:
                problems.append(
                    self.problem((), Text(N_("the test file has no `%(key)s`"), key=key))
                )
        if "as_of" in top:
            self.out.as_of = self.date(top["as_of"], ("as_of",), problems)
        rules, line = self.rules_path(top)
        self.out.rules = rules
        loaded, found = self.loader.ruleset(rules, self.file, line)
        problems += found
        if loaded is None:
            return
        self.ruleset = self.out.ruleset = loaded
        self.expected = ExpectationReader(self.yaml, loaded)
        documents = self.documents(top.get("documents", {}))
        cases = top.get("cases")
        if "cases" in top and (not isinstance(cases, dict) or not cases):
            problems.append(
                self.problem(("cases",), Text(N_("`cases` is a mapping of named cases")))
            )
            return
        for name, body in (cases or {}).items():
            self.out.cases.append(self.case(name, body, documents))

    def rules_path(self, top: dict[str, Any]) -> tuple[str, int]:
        """The rule set: `rules`, relative to this file; else NAME.rules for NAME.test.yaml, or
        the one .rules file, in this file's folder or the one above; else the default."""
        if "rules" in top:
            value = top["rules"]
            if not isinstance(value, str) or not value:
                raise Fatal(
                    self.problem(("rules",), Text(N_("`rules` is the path of a .rules file")))
                )
            named = os.path.normpath(os.path.join(self.folder, value))
            line = self.yaml.line(("rules",))
            refused = self.refused_rules(named)
            if refused is not None:
                raise Fatal(Problem.of(self.file, line, refused))
            return named, line
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
                message = Text(
                    N_(
                        "several rule sets in %(folder)s (%(names)s): name the one to test with "
                        "`rules:`"
                    ),
                    folder=os.path.normpath(folder),
                    names=", ".join(found),
                )
                raise Fatal(Problem.of(self.file, 1, message))
        return shown(self.loader.default_rules), 1

    def refused_rules(self, named: str) -> Text | None:
        """Why `rules:` may not name this file, or None. It names a regular `.rules` file in
        the test file's folder or below it, or in the folder above (where it would be found
        without `rules:`); `--rules-anywhere` lifts the place. A test file is data a
        contributor adds, and what it names is read, and quoted in a syntax error."""
        if not named.endswith(".rules"):
            return Text(
                N_("`rules` must name a .rules file, and %(path)s does not end in .rules"),
                path=named,
            )
        if not os.path.realpath(named).endswith(".rules"):  # a link to /proc/self/environ
            return Text(
                N_("`rules` names %(path)s, a link to a file that is not a .rules file"),
                path=named,
            )
        if not self.loader.rules_anywhere:
            top = os.path.realpath(self.folder or ".")
            real = os.path.realpath(named)
            inside = os.path.commonpath([top, real]) == top
            if not inside and os.path.dirname(real) != os.path.dirname(top):
                return Text(
                    N_(
                        "`rules` names %(path)s, outside the test file's folder and the folder "
                        "above it (allow it with --rules-anywhere)"
                    ),
                    path=named,
                )
        return regular_file_problem(named)

    def date(
        self, value: Any, path: tuple[Key, ...], problems: list[Problem]
    ) -> datetime.date | None:
        if isinstance(value, str) and re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
            try:
                return datetime.date.fromisoformat(value)
            except ValueError:
                problems.append(
                    self.problem(path, Text(N_("%(value)s is not a real date"), value=value))
                )
                return None
        problems.append(
            self.problem(
                path, Text(N_("`%(key)s` is a date written YYYY-MM-DD"), key=str(path[-1]))
            )
        )
        return None

    # -- evidence

    def documents(self, value: Any) -> dict[str, dict[str, Any]]:
        """The named evidence documents; a problem with one is a problem of the file."""
        if not isinstance(value, dict):
            self.out.problems.append(
                self.problem(("documents",), Text(N_("`documents` maps names to evidence")))
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
                    self.problem(
                        path, Text(N_("a document is evidence written here or a .json file"))
                    )
                )
                document = None
            if document is not None:
                found[name] = document
        return found

    def evidence_file(
        self, name: str, path: tuple[Key, ...], problems: list[Problem]
    ) -> dict[str, Any] | None:
        from modenhet.evidence.reader import MAX_DOCUMENT_BYTES, evidence_item

        shown = os.path.normpath(os.path.join(self.folder, name))
        if shown not in self.evidence_files:
            try:
                data = read_regular(shown, MAX_DOCUMENT_BYTES)
            except Unreadable as error:
                problems.append(
                    self.problem(
                        path, Text(N_("%(where)s: %(message)s"), where=shown, message=_why(error))
                    )
                )
                return None
            item = evidence_item(shown, data)
            for violation in item.problems:
                message = Text(
                    N_("%(where)s: %(message)s"),
                    where=violation.where(shown),
                    message=violation.text or violation.message,
                )
                problems.append(self.problem(path, message))
            self.evidence_files[shown] = None if item.problems else item.document
        document = self.evidence_files[shown]
        return copy.deepcopy(document)

    def case(self, name: str, body: Any, documents: dict[str, dict[str, Any]]) -> Case:
        path: tuple[Key, ...] = ("cases", name)
        case = Case(name, self.file, self.yaml.line(path), None, self.out.as_of, [])
        problems = case.problems
        if not isinstance(body, dict):
            problems.append(
                self.problem(
                    path,
                    Text(
                        N_("case '%(name)s' is a mapping with `evidence` and `expect`"), name=name
                    ),
                )
            )
            return case
        problems += self.yaml.unknown_keys(
            body, path, CASE_KEYS, Text(N_("case '%(name)s'"), name=name)
        )
        if "as_of" in body:
            case.as_of = self.date(body["as_of"], (*path, "as_of"), problems)
        for key in ("evidence", "expect"):
            if key not in body:
                problems.append(
                    self.problem(
                        path, Text(N_("case '%(name)s' has no `%(key)s`"), name=name, key=key)
                    )
                )
        if "expect" in body:
            expected = self.expected.expectations(body["expect"], (*path, "expect"), problems)
            case.expectations = expected
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
            message = (
                Text(
                    N_(
                        "no document named '%(name)s' under `documents` (did you mean "
                        "'%(close)s'?); a file name ends in .json"
                    ),
                    name=value,
                    close=close[0],
                )
                if close
                else Text(
                    N_("no document named '%(name)s' under `documents`; a file name ends in .json"),
                    name=value,
                )
            )
            problems.append(self.problem(path, message))
            return None
        problems.append(
            self.problem(
                path, Text(N_("`evidence` is a mapping, a .json file or a document's name"))
            )
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
            problems.append(self.problem((*path, "unset"), Text(N_("`unset` is a list of paths"))))
            unset = []
        changes = body.get("set", {})
        if not isinstance(changes, dict):
            problems.append(self.problem((*path, "set"), Text(N_("`set` maps paths to values"))))
            changes = {}
        for index, text in enumerate(unset):
            where = (*path, "unset", index)
            parts = self.evidence_path(text, where, problems)
            if parts is None:
                continue
            if text in changes:
                problems.append(
                    self.problem(
                        where, Text(N_("%(path)s is both in `set` and in `unset`"), path=text)
                    )
                )
                continue
            error = unset_path(document, parts)
            if error:
                problems.append(
                    self.problem(
                        where, Text(N_("cannot unset %(path)s: %(why)s"), path=text, why=error)
                    )
                )
        for text, value in changes.items():
            where = (*path, "set", text)
            parts = self.evidence_path(text, where, problems)
            if parts is None:
                continue
            error = set_path(document, parts, copy.deepcopy(value))
            if error:
                problems.append(
                    self.problem(
                        where, Text(N_("cannot set %(path)s: %(why)s"), path=text, why=error)
                    )
                )
        return len(problems) == before

    def evidence_path(
        self, text: Any, where: tuple[Key, ...], problems: list[Problem]
    ) -> list[Key] | None:
        if not isinstance(text, str):
            problems.append(
                self.problem(where, Text(N_("a path is text, like evidence.economy.budget_nok")))
            )
            return None
        parts = parse_path(text)
        if isinstance(parts, Text):
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
                    where = (*path, "evidence", *pointer_keys(violation.pointer))
            values = {"name": path[-1], "message": violation.text or violation.message}
            message = (
                Text(
                    N_(
                        "case '%(name)s': the evidence does not validate: #%(pointer)s: %(message)s"
                    ),
                    pointer=violation.pointer,
                    **values,
                )
                if violation.pointer
                else Text(
                    N_("case '%(name)s': the evidence does not validate: %(message)s"), **values
                )
            )
            line = self.yaml.line(where)
            problems.append(Problem.of(self.file, line, message, violation.severity))


def regular_file_problem(path: str) -> Text | None:
    """`PATH is not a regular file …` when it is a FIFO, a device or a socket (they would
    block or never end), or None; checked before the file is opened."""
    try:
        info = os.stat(path)
    except (OSError, ValueError):
        return None  # the reader says why, in its own words
    if stat.S_ISREG(info.st_mode) or stat.S_ISDIR(info.st_mode):
        return None
    return Text(N_("%(path)s %(why)s"), path=path, why=Text(NOT_REGULAR))


def read_regular(path: str, limit: int) -> bytes:
    """The bytes of a regular file of at most `limit` bytes, or `Unreadable` with why not."""
    try:
        return read_bounded(Path(path), limit)
    except Unreadable as error:
        why = error.text
        if isinstance(why, Text) and why.msgid in (NOT_REGULAR, TOO_LARGE):
            raise  # as it says
        if isinstance(why, Text) and why.msgid in SYSTEM_WORDS:  # as the system says it
            why = Text(SYSTEM_WORDS[why.msgid])
        raise Unreadable(Text(N_("cannot be read: %(reason)s"), reason=why)) from None


# Why a file is not read, as the system words it for `cannot be read: ...`.
SYSTEM_WORDS = {NO_SUCH_FILE: N_("No such file or directory"), DIRECTORY: N_("Is a directory")}


def _why(error: Unreadable) -> Text:
    """Why a file is not read, as a message of its own."""
    return Text(N_("%(reason)s"), reason=error.text)


def _listdir(folder: str) -> list[str]:
    try:
        return os.listdir(folder or ".")
    except OSError:
        return []
