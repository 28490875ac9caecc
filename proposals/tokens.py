"""Index tokens of Chinese text: its characters and bigrams. Pure, so a migration can use it."""

from dataclasses import dataclass

from proposals.masking import masked


def alnum_runs(text: str) -> list[str]:
    """Maximal runs of letters and digits, lower-cased: punctuation and spaces never match."""
    runs, current = [], []
    for char in text.lower():
        if char.isalnum():
            current.append(char)
        elif current:
            runs.append("".join(current))
            current = []
    if current:
        runs.append("".join(current))
    return runs


def index_tokens(text: str) -> str:
    """Every character and every bigram of `text`, once each, separated by spaces."""
    tokens = set()
    for run in alnum_runs(text):
        tokens.update(run)
        tokens.update(run[i : i + 2] for i in range(len(run) - 1))
    return " ".join(sorted(tokens))


def query_tokens(query: str) -> list[str]:
    """The tokens a text must hold to contain `query`: its character if it has one, else its bigrams."""
    tokens = []
    for run in alnum_runs(query):
        pairs = [run[i : i + 2] for i in range(len(run) - 1)] or [run]
        tokens.extend(token for token in pairs if token not in tokens)
    return tokens


@dataclass(frozen=True)
class TextIndex:
    """How a reply text is indexed: as published (contact details masked), and its tokens.

    Pure, so a parser process can compute it while the importer writes."""

    public_text: str
    tokens: str

    @classmethod
    def of(cls, text: str) -> "TextIndex":
        public = masked(text)
        return cls(public, index_tokens(public))
