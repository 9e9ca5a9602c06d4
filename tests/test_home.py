"""The home page: documents expiring soon, with each person's organisation, in bounded queries."""

import datetime

from django.utils import timezone

from core import testing
from people.models import Passport

# Session, user, permissions (the user's and the groups'), memberships, deployed now (one
# query per state, two), the rotations in preparation, one query per kind of expiring
# document and the base template's groups: never one per row.
HOME_QUERIES = 12


def test_it_lists_expiring_documents_with_organisations_in_bounded_queries(
    client, mod, viewer, django_assert_max_num_queries
):
    today = timezone.localdate()
    # More than the page shows (25), so that a query per row could not hide under the bound.
    for index in range(30):
        organisation = mod["hospital"] if index % 2 else mod["department"]
        person = testing.person(organisation, f"Người {index:02d}")
        Passport.objects.create(
            person=person,
            number=f"P{index:07d}",
            expires_on=today + datetime.timedelta(days=index + 1),
        )
    client.force_login(viewer)

    with django_assert_max_num_queries(HOME_QUERIES):
        response = client.get("/")

    expiring = response.context["expiring"]
    assert len(expiring) == 25
    assert [item.person.full_name for item in expiring[:2]] == ["Người 00", "Người 01"]
    text = response.content.decode()
    panel = text[text.index('data-testid="expiring"') :]
    assert "H175" in panel and "DPKO" in panel
