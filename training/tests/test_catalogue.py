"""The seeded catalogue and assessment rules: present, sourced, and never overwritten."""

import pytest
from django.apps import apps
from django.db.models import Value
from django.db.models.functions import Concat

from training import catalogue
from training.models import AssessmentRule, Course


@pytest.fixture
def empty_catalogue(db):
    """As before the seed: courses already there (other apps' requirements may point at
    them) step aside under another code; the rules go."""
    Course.objects.update(code=Concat("code", Value("-old")))
    AssessmentRule.objects.all().delete()


def test_the_seed_creates_the_catalogue_with_its_prerequisites_and_sources(empty_catalogue):
    catalogue.seed(apps)
    codes = set(Course.objects.exclude(code__endswith="-old").values_list("code", flat=True))
    assert {"UN-CPTM", "UN-SOC", "UN-MEM", "FPU-PDT", "EN-PK", "IHL", "POC", "TOT"} == codes
    cptm = Course.objects.get(code="UN-CPTM")
    assert cptm.kind == "cptm" and "Core Pre-deployment Training Materials" in cptm.description
    # No validity we could confirm: left empty, and the description says so.
    assert cptm.validity_months is None and "never lapses" in cptm.description
    assert list(Course.objects.get(code="UN-SOC").prerequisites.all()) == [cptm]
    language = AssessmentRule.objects.get(kind="language")
    assert language.pass_mark == 60 and "Assessment for Mission Service" in language.source
    for rule in AssessmentRule.objects.all():
        assert rule.source, rule.kind
    assert "verify" in AssessmentRule.objects.get(kind="firearms").source


def test_the_seed_does_not_overwrite_an_administrators_edit(empty_catalogue):
    catalogue.seed(apps)
    Course.objects.filter(code="UN-CPTM").update(validity_months=36)
    AssessmentRule.objects.filter(kind="language").update(pass_mark=65)
    catalogue.seed(apps)
    assert Course.objects.get(code="UN-CPTM").validity_months == 36
    assert AssessmentRule.objects.get(kind="language").pass_mark == 65
