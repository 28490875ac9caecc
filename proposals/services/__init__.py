"""Every write a clerk, a bureau or an import makes, one function each, remit checked inside.

The admin, the views, the importer, the commands and the demo data call these; none writes
the domain rows on its own. Each function is a unit of work (proposals.derived.service).
"""

from proposals.services.bureaus import bureau_merge
from proposals.services.handling import (
    assignment_check,
    assignment_create,
    assignment_date_set,
    assignment_delete,
    co_handler_opinion_record,
    extension_decide,
    extension_grant,
    extension_is_late,
    extension_request_check,
    extension_request_create,
    feedback_check,
    feedback_delete,
    feedback_record,
    proposal_close,
    proposals_assign,
    reply_due_on,
    return_decide,
    return_request_check,
    return_request_create,
)
from proposals.services.proposals import REGISTRATION_FIELDS, proposal_delete, proposal_save
from proposals.services.replies import (
    LetterContent,
    reply_delete,
    reply_edit,
    reply_grade_decide,
    reply_publish,
    reply_review_done,
    reply_submit,
)

__all__ = [
    "REGISTRATION_FIELDS",
    "LetterContent",
    "assignment_check",
    "assignment_create",
    "assignment_date_set",
    "assignment_delete",
    "bureau_merge",
    "co_handler_opinion_record",
    "extension_decide",
    "extension_grant",
    "extension_is_late",
    "extension_request_check",
    "extension_request_create",
    "feedback_check",
    "feedback_delete",
    "feedback_record",
    "proposal_close",
    "proposal_delete",
    "proposal_save",
    "proposals_assign",
    "reply_delete",
    "reply_due_on",
    "reply_edit",
    "reply_grade_decide",
    "reply_publish",
    "reply_review_done",
    "reply_submit",
    "return_decide",
    "return_request_check",
    "return_request_create",
]
