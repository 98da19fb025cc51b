"""Small pieces the diagnostics of the parser and the checker build their messages from, each a
`Text` translated when it is shown (`modenhet.i18n`): a list joined with a translated "or", a
"did you mean", the environment variable that raises a limit."""

from __future__ import annotations

from collections.abc import Sequence

from modenhet.i18n import N_, Text


def either(items: Sequence[str | Text]) -> str | Text:
    """`a`, `a or b`, `a, b or c`: the words in the reader's language, names as they are."""
    if len(items) == 1:
        return items[0]
    head = items[0]
    for item in items[1:-1]:
        head = Text(N_("%(first)s, %(next)s"), first=head, next=item)
    return Text(N_("%(first)s or %(last)s"), first=head, last=items[-1])


def did_you_mean(name: str) -> Text:
    """The hint for a name one slip from a known one: `did you mean 'count'?`."""
    return Text(N_("did you mean '%(name)s'?"), name=name)


def backticked(names: Sequence[str]) -> str:
    """Names of the rule language listed as code, `all`, `and`, so that no reader takes a
    keyword for a word of the sentence."""
    return ", ".join(f"`{name}`" for name in names)
