from __future__ import annotations

from orgs import access


def navigation(request) -> dict[str, object]:
    """Which menu entries the current user gets (the pages themselves check access again)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "nav_is_info_staff": access.is_info_staff(user),
        "nav_roles": access.user_roles(user),
    }
