"""The domain: sessions, members, bureaus, proposals, their assignments, replies and feedback.

A proposal's handling status is derived from its assignments, replies, feedback and closing
date by proposals.derived, which alone stores it on the proposal for lists to read.
"""

from proposals.models.handling import (
    Assignment,
    AssignmentQuerySet,
    BureauRequest,
    ExtensionRequest,
    Feedback,
    Rehandling,
    RequestStatus,
    ReturnRequest,
)
from proposals.models.imports import HeldLetter, ImportedFile, ImportRun, ImportStatus
from proposals.models.proposals import (
    HandlingStatus,
    Proposal,
    ProposalProposer,
    ProposalQuerySet,
    Turn,
)
from proposals.models.reference import (
    Body,
    Bureau,
    BureauAlias,
    BureauOfficer,
    BureauQuerySet,
    Category,
    Grade,
    GradeQuerySet,
    Member,
    Sector,
    Session,
    normalise_grade_text,
)
from proposals.models.registers import RegisterImport, RegisterKind, RegisterMapping
from proposals.models.replies import CarbonCopy, Contact, Reply, ReplyChange
from proposals.models.search import SearchDocument

__all__ = [
    "Assignment",
    "AssignmentQuerySet",
    "Body",
    "Bureau",
    "BureauAlias",
    "BureauOfficer",
    "BureauQuerySet",
    "BureauRequest",
    "CarbonCopy",
    "Category",
    "Contact",
    "ExtensionRequest",
    "Feedback",
    "Grade",
    "GradeQuerySet",
    "HandlingStatus",
    "HeldLetter",
    "ImportRun",
    "ImportStatus",
    "ImportedFile",
    "Member",
    "Proposal",
    "ProposalProposer",
    "ProposalQuerySet",
    "RegisterImport",
    "RegisterKind",
    "RegisterMapping",
    "Rehandling",
    "Reply",
    "ReplyChange",
    "RequestStatus",
    "ReturnRequest",
    "SearchDocument",
    "Sector",
    "Session",
    "Turn",
    "normalise_grade_text",
]
