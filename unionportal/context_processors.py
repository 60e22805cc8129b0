from __future__ import annotations

from orgs import access
from orgs.models import Role


def navigation(request) -> dict[str, object]:
    """Which menu entries the current user gets (the pages themselves check access again)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    roles = access.user_roles(user)
    is_info_staff = access.is_info_staff(user)
    return {
        "nav_is_info_staff": is_info_staff,
        "nav_reads_history": access.has_role(user, Role.INFO_OFFICER, Role.TERRITORIAL_ADMIN),
        "nav_roles": roles,
        # What the main menu depends on: the key of its cached fragment (templates/base.html).
        "nav_menu_key": f"{int(user.is_staff)}{int(is_info_staff)}:{','.join(sorted(roles))}",
    }
