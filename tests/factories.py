"""factory_boy factories. Organisations go through treebeard (add_root / add_child)."""

from __future__ import annotations

import factory
from django.contrib.auth import get_user_model

from orgs.models import Organisation, OrgKind, RoleAssignment
from orgs.services import organisation_add


def make_org(name: str, kind: str = OrgKind.PRIMARY, parent: Organisation | None = None, **fields) -> Organisation:
    return organisation_add(parent=parent, name=name, kind=kind, **fields)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or "test-pass-123")
        if create:
            self.save(update_fields=["password"])


def assign(user, role: str, organisation: Organisation) -> RoleAssignment:
    return RoleAssignment.objects.create(user=user, role=role, organisation=organisation)
