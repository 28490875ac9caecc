"""Reply letters to plain data. Pure Python: nothing here imports Django."""

from proposals.parsing.letter import parse_reply, parse_text
from proposals.parsing.result import ParsedCarbonCopy, ParsedContact, ParsedReply, Rejection

__all__ = [
    "ParsedCarbonCopy",
    "ParsedContact",
    "ParsedReply",
    "Rejection",
    "parse_reply",
    "parse_text",
]
