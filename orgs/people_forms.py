"""Forms of the people pages: grant a role to an existing user, invite a new one, the profile."""

from __future__ import annotations

import unicodedata

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import PasswordResetForm
from django.utils.translation import gettext_lazy as _

from .models import Role


def _role_field(roles: list[str]) -> forms.ChoiceField:
    """Any role validates (the service refuses a forged one and says why); the menu offers `roles`."""
    field = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    field.widget.choices = [(role, Role(role).label) for role in roles]
    return field


class UserSearchForm(forms.Form):
    q = forms.CharField(label=_("Find a person (username, name or email)"), min_length=2, max_length=100)


class RoleGrantForm(forms.Form):
    """`user` is chosen among the search results: an active account among `people` (orgs.access decides)."""

    user = forms.ModelChoiceField(label=_("Person"), queryset=get_user_model().objects.none(), widget=forms.RadioSelect)

    def __init__(self, *args, roles: list[str], people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = people.filter(is_active=True)
        self.fields["role"] = _role_field(roles)


class UserInviteForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    email = forms.EmailField(label=_("Email"), help_text=_("The invitation with a link to set a password goes here."))

    def __init__(self, *args, roles: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"] = _role_field(roles)


def _same_email(first: str, second: str) -> bool:
    """Case-insensitive comparison after Unicode normalisation (as Django's reset form does)."""
    return unicodedata.normalize("NFKC", first).casefold() == unicodedata.normalize("NFKC", second).casefold()


class InvitationAwarePasswordResetForm(PasswordResetForm):
    """Django's reset form, which also reaches invited people who never set a password.

    Django skips accounts without a usable password; an invitee whose link expired would then
    have no way in. Accounts that never logged in are invitees (an account disabled on purpose
    has logged in before, or is inactive and skipped anyway).
    """

    def get_users(self, email):
        user_model = get_user_model()
        email_field = user_model.get_email_field_name()
        candidates = user_model._default_manager.filter(**{f"{email_field}__iexact": email, "is_active": True})
        return (
            user
            for user in candidates
            if (user.has_usable_password() or user.last_login is None)
            and _same_email(email, getattr(user, email_field))
        )
