"""Recording assessments from a person's page, and the list of assessments."""

import datetime

import pytest

from core import testing
from training.models import Assessment
from training.tests.builders import language_test

DAY = datetime.date(2025, 6, 2)


@pytest.fixture
def tuan(mod):
    return testing.person(mod["hospital"], "Đỗ Minh Tuấn", service="police")


def form(**values):
    data = {
        "kind": "language",
        "language": testing.language().pk,
        "assessed_on": DAY.isoformat(),
        "assessor_kind": "un",
        "score": "72",
    }
    data.update(values)
    return {key: value for key, value in data.items() if value is not None}


def test_an_officer_records_a_language_assessment_from_the_person_page(
    client, tuan, rules, training_officer
):
    client.force_login(training_officer)
    page = client.get(tuan.get_absolute_url()).content.decode()
    assert f"/training/assessments/add/?person={tuan.pk}" in page
    response = client.post(
        "/training/assessments/add/",
        form(
            person=tuan.pk, score=None, reading="70", listening="64", writing="58", interview="60"
        ),
        follow=True,
    )
    text = response.content.decode()
    assert "Language 2025-06-02 recorded for Đỗ Minh Tuấn: passed." in text
    assessment = Assessment.objects.get()
    assert (assessment.score, assessment.valid_until) == (63, datetime.date(2027, 6, 1))
    assert 'data-testid="assessments"' in text and "2027-06-01" in text


def test_it_refuses_a_retake_inside_the_waiting_period_on_the_date_field(
    client, tuan, rules, training_officer
):
    language_test(tuan, DAY, 40)
    client.force_login(training_officer)
    response = client.post(
        "/training/assessments/add/", form(person=tuan.pk, assessed_on="2025-07-01")
    )
    text = response.content.decode()
    assert (
        'data-field="assessed_on">A retake is allowed from 2025-11-29, 180 days after the '
        "failed attempt." in text
    )
    assert Assessment.objects.count() == 1


def test_it_refuses_a_score_out_of_range_on_the_score_field(client, tuan, rules, training_officer):
    client.force_login(training_officer)
    response = client.post("/training/assessments/add/", form(person=tuan.pk, score="101"))
    assert 'data-field="score">Ensure this value is less than or equal to 100.' in (
        response.content.decode()
    )
    assert not Assessment.objects.exists()


def test_a_language_assessment_without_a_score_or_all_parts_is_refused_on_the_score_field(
    client, tuan, rules, training_officer
):
    client.force_login(training_officer)
    response = client.post(
        "/training/assessments/add/", form(person=tuan.pk, score=None, reading="70")
    )
    assert 'data-field="score">Give the score (or, for a language, all four parts).' in (
        response.content.decode()
    )
    assert not Assessment.objects.exists()


def test_driving_without_the_vision_test_is_refused_on_its_field(
    client, tuan, rules, training_officer
):
    client.force_login(training_officer)
    response = client.post(
        "/training/assessments/add/",
        form(person=tuan.pk, kind="driving", language="", vision_passed="unknown"),
    )
    assert 'data-field="vision_passed">Record whether the vision test was passed.' in (
        response.content.decode()
    )


def test_a_person_of_the_other_ministry_cannot_be_assessed_or_seen(
    client, mps, rules, training_officer
):
    hong = testing.person(mps["police"], "Nguyễn Thị Hồng", sex="F")
    assessment = language_test(hong, DAY, 80)
    client.force_login(training_officer)
    assert client.get(f"/training/assessments/add/?person={hong.pk}").status_code == 404
    assert client.post("/training/assessments/add/", form(person=hong.pk)).status_code == 404
    assert client.get(f"/training/assessments/{assessment.pk}/").status_code == 404
    assert "Nguyễn Thị Hồng" not in client.get("/training/assessments/").content.decode()


def test_without_a_person_the_add_page_finds_one_by_name(client, tuan, training_officer):
    client.force_login(training_officer)
    text = client.get("/training/assessments/add/", {"q": "do minh"}).content.decode()
    assert f"?person={tuan.pk}" in text


@pytest.mark.parametrize("digits", ["²", "٣"])
def test_a_person_id_in_other_digits_asks_for_a_person_by_name(
    client, tuan, training_officer, digits
):
    # "²" passed isdigit() and then failed int() (a 500); now it names nobody.
    client.force_login(training_officer)

    response = client.get("/training/assessments/add/", {"person": digits, "q": "do minh"})

    assert response.status_code == 200
    assert f"?person={tuan.pk}" in response.content.decode()


def test_a_viewer_may_not_record_an_assessment(client, tuan, viewer):
    client.force_login(viewer)
    assert client.get(f"/training/assessments/add/?person={tuan.pk}").status_code == 403


def test_the_list_of_30_assessments_filters_and_stays_bounded(
    client, mod, rules, training_officer, django_assert_max_num_queries
):
    for n in range(30):
        person = testing.person(mod["hospital"], f"Học viên {n:02d}")
        language_test(person, DAY - datetime.timedelta(days=n), 40 + n * 2)
    client.force_login(training_officer)
    with django_assert_max_num_queries(11):
        response = client.get("/training/assessments/")
    assert len(response.context["table"].page.object_list) == 30
    failed = client.get("/training/assessments/", {"result": "failed"}).context["table"]
    assert len(failed.rows) == 10  # scores 40 to 58
    recent = client.get(
        "/training/assessments/", {"assessed_from": "2025-05-30", "q": "hoc vien"}
    ).context["table"]
    assert {row.record.assessed_on for row in recent.rows} == {
        datetime.date(2025, 6, 2),
        datetime.date(2025, 6, 1),
        datetime.date(2025, 5, 31),
        datetime.date(2025, 5, 30),
    }
