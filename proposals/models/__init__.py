"""The domain: sessions, members, bureaus, proposals, their assignments, replies and feedback.

A proposal's handling status is never stored: `ProposalQuerySet.with_handling_status()`
derives it from assignments, replies, feedback and the closing date, so it cannot drift.
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
from proposals.models.imports import ImportedFile, ImportRun
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
    Grade,
    GradeQuerySet,
    Member,
    Session,
    normalise_grade_text,
)
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
    "Contact",
    "ExtensionRequest",
    "Feedback",
    "Grade",
    "GradeQuerySet",
    "HandlingStatus",
    "ImportRun",
    "ImportedFile",
    "Member",
    "Proposal",
    "ProposalProposer",
    "ProposalQuerySet",
    "Rehandling",
    "Reply",
    "ReplyChange",
    "RequestStatus",
    "ReturnRequest",
    "SearchDocument",
    "Session",
    "Turn",
    "normalise_grade_text",
]
