"""The catalogue's service layer: the only code that writes catalogue and policy tables.

Other apps use these names; the submodules are an implementation detail.
"""

from xinyong.catalog.services.errors import PolicyError, PolicyIssue, PolicyLookupError
from xinyong.catalog.services.files import PolicyBundle, read_policy
from xinyong.catalog.services.loading import Change, LoadReport, check_policy, load_policy
from xinyong.catalog.services.measures import (
    ListTypeRule,
    MeasurePolicy,
    MeasureRule,
    PolicyState,
    measure_policy,
    policy_state,
)
from xinyong.catalog.services.queries import (
    CatalogItemSummary,
    SourceDepartment,
    item_definition,
    list_items,
)
from xinyong.catalog.services.rules import (
    AppliedRule,
    DeadlineRule,
    PublicationRules,
    deadline_for,
    penalty_severity,
    publication_rule_for,
)
from xinyong.policy import default_policy_dir

__all__ = [
    "AppliedRule",
    "CatalogItemSummary",
    "Change",
    "DeadlineRule",
    "ListTypeRule",
    "LoadReport",
    "MeasurePolicy",
    "MeasureRule",
    "PolicyBundle",
    "PolicyError",
    "PolicyIssue",
    "PolicyLookupError",
    "PolicyState",
    "PublicationRules",
    "SourceDepartment",
    "check_policy",
    "deadline_for",
    "default_policy_dir",
    "item_definition",
    "list_items",
    "load_policy",
    "measure_policy",
    "penalty_severity",
    "policy_state",
    "publication_rule_for",
    "read_policy",
]
