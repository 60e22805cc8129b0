"""Forms of the people pages: grant a role to an existing user, invite a new one, the profile."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
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
    """`user` is chosen among the search results; any active account is accepted (the service decides)."""

    user = forms.ModelChoiceField(
        label=_("Person"), queryset=get_user_model().objects.filter(is_active=True), widget=forms.RadioSelect
    )

    def __init__(self, *args, roles: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"] = _role_field(roles)


class UserInviteForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    email = forms.EmailField(label=_("Email"), help_text=_("The invitation with a link to set a password goes here."))

    def __init__(self, *args, roles: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"] = _role_field(roles)
