"""The subjects service layer: the only code that writes subjects, identifiers, names and
the access log."""

from xinyong.subjects.services.access import (
    access_entry,
    access_log,
    record_access,
    record_accesses,
)
from xinyong.subjects.services.linking import (
    ConflictPointer,
    LearnedIdentifier,
    LinkConflict,
    LinkRequest,
    LinkResult,
    link,
    link_many,
)
from xinyong.subjects.services.lookup import (
    SubjectError,
    display_name,
    find_subject,
    find_subjects,
    masked_id,
    organisations_named,
    reveal_citizen_id,
    summary,
)
from xinyong.subjects.services.parsing import Rejection, SubjectIdentifiers
from xinyong.subjects.services.registration import Classification, classify
from xinyong.subjects.services.search import (
    Hit,
    Match,
    Results,
    carries_id_number,
    search_subjects,
)

__all__ = [
    "Classification",
    "ConflictPointer",
    "Hit",
    "LearnedIdentifier",
    "LinkConflict",
    "LinkRequest",
    "LinkResult",
    "Match",
    "Rejection",
    "Results",
    "SubjectError",
    "SubjectIdentifiers",
    "access_entry",
    "access_log",
    "carries_id_number",
    "classify",
    "display_name",
    "find_subject",
    "find_subjects",
    "link",
    "link_many",
    "masked_id",
    "organisations_named",
    "record_access",
    "record_accesses",
    "reveal_citizen_id",
    "search_subjects",
    "summary",
]
