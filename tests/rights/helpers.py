"""Signing a subject in for tests of account pages (the sign-in flow itself is tested in
test_accounts)."""

from __future__ import annotations

from django.test import Client

from xinyong.rights.models import MemberRole, SubjectMember
from xinyong.rights.session import MEMBER_KEY
from xinyong.subjects.models import Subject


def signed_in_client(client: Client, subject: Subject) -> SubjectMember:
    """Sign `client` in as `subject` itself (its owner member, created if needed)."""
    member, _created = SubjectMember.objects.get_or_create(subject=subject, role=MemberRole.OWNER)
    session = client.session
    session[MEMBER_KEY] = member.pk
    session.save()
    return member
