"""Every list page's table (core.tables.Table): what a query string may change of its pages."""

import pytest
from django_tables2 import RequestConfig

from core.models import Organisation
from core.tables import MAX_PER_PAGE, OrganisationTable


@pytest.mark.parametrize("per_page", ["-5", "0", str(MAX_PER_PAGE + 1), str(2**70), "٣"])
def test_a_page_size_out_of_bounds_gives_the_usual_page(client, mod, planner, per_page):
    client.force_login(planner)

    response = client.get("/organisations/", {"per_page": per_page})

    assert response.status_code == 200
    assert "Military Hospital 175" in response.content.decode()


def test_a_page_size_in_bounds_is_kept_and_one_out_of_them_is_the_default(rf, mod, settings):
    def rows(per_page: str) -> int:
        table = OrganisationTable(Organisation.objects.all())
        request = rf.get("/organisations/", {"per_page": per_page})
        RequestConfig(request, paginate={"per_page": 2}).configure(table)
        return len(table.page.object_list)

    settings.PAGINATE_BY = 1
    assert rows("2") == 2
    assert rows("-2") == 1
    assert rows(str(MAX_PER_PAGE + 1)) == 1
