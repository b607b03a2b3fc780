"""The account services: the only code that writes organisations, users, roles and tokens.

Callers (admin, commands, the API) decide whether the viewer may act, through
`restrict()`; these functions validate input, write, and audit in one transaction.
"""

from xinyong.accounts.services.errors import AccountError
from xinyong.accounts.services.organisations import (
    create_organisation,
    directory,
    find_organisation,
    update_organisation,
)
from xinyong.accounts.services.tokens import (
    IssuedToken,
    TokenPrincipal,
    authenticate_token,
    create_token,
    find_token,
    revoke_token,
    tokens,
    validate_scopes,
)
from xinyong.accounts.services.users import (
    create_staff_user,
    grant_role,
    revoke_role,
    set_password,
    set_roles,
    update_user,
)

__all__ = [
    "AccountError",
    "IssuedToken",
    "TokenPrincipal",
    "authenticate_token",
    "create_organisation",
    "create_staff_user",
    "create_token",
    "directory",
    "find_organisation",
    "find_token",
    "grant_role",
    "revoke_role",
    "revoke_token",
    "set_password",
    "set_roles",
    "tokens",
    "update_organisation",
    "update_user",
    "validate_scopes",
]
