"""The clerks' workbench. Reads go through the models' named querysets; no rules live here."""

from proposals.admin import (  # noqa: F401 (registers)
    handling,
    held,
    imports,
    proposals,
    reference,
    registers,
    replies,
)
