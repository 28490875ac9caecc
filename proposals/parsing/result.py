"""What the parser returns: a parsed letter or a rejection. Plain data, no Django."""

from dataclasses import asdict, dataclass, field
from datetime import date


@dataclass(frozen=True)
class ParsedContact:
    unit: str | None = None
    name: str | None = None
    phone: str | None = None


@dataclass(frozen=True)
class ParsedCarbonCopy:
    recipient: str
    copies: int | None = None


@dataclass
class ParsedReply:
    """The fields of one reply letter; None (or empty) where the letter does not say."""

    issuer: str | None = None
    doc_number: str | None = None
    signer: str | None = None
    grade: str | None = None
    grade_raw: str | None = None
    body: str | None = None
    region: str | None = None
    term: int | None = None
    meeting: int | None = None
    proposal_number: int | None = None
    proposal_title: str | None = None
    proposers: list[str] = field(default_factory=list)
    proposers_more: bool = False
    co_handlers: list[str] = field(default_factory=list)
    reply_date: date | None = None
    printed_on: date | None = None
    printed_by: str | None = None
    contacts: list[ParsedContact] = field(default_factory=list)
    cc: list[ParsedCarbonCopy] = field(default_factory=list)
    # False for a letter cut off before its closing: kept, but it answers nothing yet.
    complete: bool = True
    # 2 for a reply after re-handling (再次答复); kept out of the printed fields.
    handling_round: int = 1
    text: str = ""
    # Which extractor read the file (proposals.extraction.EXTRACTORS) and, for OCR, how sure
    # it was (0–100): shown to the clerk beside the reply.
    extractor: str = "text"
    ocr_confidence: int | None = None

    @classmethod
    def from_json(cls, data: dict, *, text: str = "", handling_round: int = 1) -> "ParsedReply":
        """The inverse of to_json (a held letter's fields, read back when a clerk completes it)."""
        values = dict(data)
        for key in ("reply_date", "printed_on"):
            values[key] = date.fromisoformat(values[key]) if values.get(key) else None
        values["contacts"] = [ParsedContact(**c) for c in values.get("contacts", [])]
        values["cc"] = [ParsedCarbonCopy(**c) for c in values.get("cc", [])]
        return cls(**values, text=text, handling_round=handling_round)

    def to_json(self) -> dict:
        """The fields as the import command prints them (ISO dates, no round, no full text)."""
        data = asdict(self)
        del data["text"], data["handling_round"], data["complete"]
        for key in ("reply_date", "printed_on"):
            data[key] = data[key].isoformat() if data[key] else None
        return data


@dataclass(frozen=True)
class Rejection:
    """Why a file is not imported, in words a clerk understands."""

    reason: str
