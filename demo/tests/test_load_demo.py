"""What a visitor of the demo sees: Viet Nam's real rotations, staffed consistently."""

import datetime
import io
from collections import defaultdict

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.utils import timezone

from core import roles
from core.text import fold
from demo.catalogues import DATA, read_csv
from demo.users import DEFAULT_PASSWORD
from deployments.models import Deployment, State, Transition
from people.expiry import expiring_documents
from people.filtersets import PersonFilterSet
from people.models import Passport, Person, Service
from planning.models import RequirementKind
from planning.readiness import ready_by_position, unmet, unmet_for_holders
from planning.reasons import explain_failures
from planning.seed import CPTM_CODE
from training.models import Assessment, AssessmentKind, CourseRun, Enrolment
from units.models import Position, Rotation, RotationStatus, UnitType

pytestmark = pytest.mark.usefixtures("demo")

UNIT_NAMES = {
    "Level-2 Field Hospital": "l2-field-hospital",
    "Engineering Company": "engineering-company",
}
PREPARING = {RotationStatus.PLANNING, RotationStatus.FORMING, RotationStatus.READY}


def serving(rotation):
    return Deployment.objects.filter(position__rotation=rotation).exclude(state=State.WITHDRAWN)


def test_the_data_files_travel_with_the_app():
    assert DATA.parent.name == "demo"
    assert {p.name for p in DATA.glob("*.csv")} >= {
        "missions.csv",
        "rotations.csv",
        "milestones.csv",
    }


def test_it_loads_the_real_rotations_with_their_dates_strength_and_women(db):
    today = timezone.localdate()
    for row in read_csv("rotations.csv"):
        rotation = Rotation.objects.get(
            unit_type__code=UNIT_NAMES[row["unit"]],
            mission__code=row["mission"],
            number=int(row["rotation"]),
        )
        label = f"{row['unit']} {row['rotation']}"
        assert rotation.location.name == row["location"], label
        assert rotation.actual_departure.isoformat() == row["first_departure"], label
        second = rotation.second_departure.isoformat() if rotation.second_departure else ""
        assert second == row["second_departure"], label
        if row["return"]:
            assert rotation.ends_on.isoformat() == row["return"], label
        else:
            months = (rotation.ends_on - rotation.starts_on).days / 30.4
            assert 12 <= months <= 15.2, label
            assert "not published" in rotation.notes, label
        expected = RotationStatus.RETURNED if rotation.ends_on <= today else RotationStatus.DEPLOYED
        assert rotation.status == expected, label
        people = serving(rotation)
        assert rotation.target_strength == people.count() == int(row["strength"]), label
        women = people.filter(person__sex="F").count()
        if row["women"]:
            assert women == int(row["women"]), label
        else:
            low, high = (10, 13) if "Hospital" in row["unit"] else (18, 21)
            assert low <= women <= high, label


def test_rotations_abroad_today_are_deployed_and_their_people_with_them(db):
    today = timezone.localdate()
    deployed = Rotation.objects.filter(status=RotationStatus.DEPLOYED)
    assert deployed.exists()
    for rotation in deployed:
        assert rotation.starts_on <= today < rotation.ends_on
        assert set(serving(rotation).values_list("state", flat=True)) == {State.DEPLOYED}
    for rotation in Rotation.objects.filter(status=RotationStatus.RETURNED):
        assert rotation.ends_on <= today
        assert set(serving(rotation).values_list("state", flat=True)) == {State.REPATRIATED}
    for rotation in Rotation.objects.filter(status__in=PREPARING):
        assert rotation.starts_on > today


def test_the_next_rotations_are_being_formed_with_nominations(db):
    for unit, number in (("l2-field-hospital", 8), ("engineering-company", 5)):
        rotation = Rotation.objects.get(unit_type__code=unit, number=number)
        assert rotation.status in PREPARING
        states = set(serving(rotation).values_list("state", flat=True))
        assert states and states <= {State.NOMINATED, State.SCREENED, State.TRAINED}
        assert serving(rotation).count() < rotation.positions.count()
    police = Rotation.objects.get(name="Police Peacekeeping Unit No. 1")
    assert police.status == RotationStatus.PLANNING
    assert police.unit_type.code == "formed-police-unit"
    assert "2024-01-11" in police.notes
    assert serving(police).exists()


def test_individual_posts_follow_the_milestones(db):
    first = Deployment.objects.filter(position__rotation__unit_type__code="liaison-officer")
    first = first.order_by("starts_on")[:2]
    assert [d.starts_on for d in first] == [datetime.date(2014, 5, 27)] * 2
    assert {d.position.rotation.mission.code for d in first} == {"UNMISS"}
    unisfa = Deployment.objects.filter(
        position__rotation__mission__code="UNISFA",
        position__rotation__unit_type__is_individual_post=True,
    )
    assert not unisfa.filter(starts_on__lt=datetime.date(2022, 1, 1)).exists()
    assert unisfa.filter(starts_on__year=2022, starts_on__month=1).count() == 7
    police = Deployment.objects.filter(
        position__rotation__unit_type__code="individual-police-officer"
    ).order_by("starts_on")
    assert police.first().starts_on.strftime("%Y-%m") == "2022-10"
    assert police.filter(starts_on=police.first().starts_on).count() == 3
    # 179 officers and staff sent from June 2014 to December 2020 (milestones.csv).
    by_2020 = Deployment.objects.filter(starts_on__lte=datetime.date(2020, 12, 31))
    assert by_2020.exclude(state=State.WITHDRAWN).count() == 179


def test_no_person_is_in_two_overlapping_deployments(db):
    periods = defaultdict(list)
    for deployment in Deployment.objects.exclude(state=State.WITHDRAWN):
        periods[deployment.person_id].append((deployment.starts_on, deployment.effective_end))
    assert any(len(tours) > 1 for tours in periods.values()), "some veterans serve again"
    for tours in periods.values():
        tours.sort()
        for (_start, end), (next_start, _end) in zip(tours, tours[1:], strict=False):
            assert next_start > end


def test_every_position_is_filled_at_most_once(db):
    holders = defaultdict(int)
    for position_id in Deployment.objects.exclude(state=State.WITHDRAWN).values_list(
        "position_id", flat=True
    ):
        holders[position_id] += 1
    assert holders and max(holders.values()) == 1
    assert Deployment.objects.filter(state=State.WITHDRAWN).exists()


def test_every_deployment_lies_inside_its_rotation(db):
    for deployment in Deployment.objects.select_related("position__rotation"):
        rotation = deployment.position.rotation
        assert rotation.starts_on <= deployment.starts_on <= deployment.effective_end
        assert deployment.effective_end <= rotation.ends_on
        if deployment.arrived_on:
            assert deployment.starts_on <= deployment.arrived_on <= deployment.effective_end


def test_each_deployment_carries_the_decisions_that_led_to_it(db):
    path = ["nominated", "screened", "trained", "approved", "deployed", "repatriated"]
    returned = Deployment.objects.filter(state=State.REPATRIATED).prefetch_related("transitions")
    for deployment in returned:
        steps = list(deployment.transitions.all())
        assert [t.to_state for t in steps] == path
        assert [t.from_state for t in steps] == [""] + path[:-1]
        approval = steps[3]
        assert approval.authority and approval.decision_number and approval.decision_date
        assert approval.decision_date < deployment.starts_on
    recent = Transition.objects.filter(
        to_state=State.APPROVED, decision_date__gte=datetime.date(2022, 1, 1)
    )
    assert recent.exists()
    assert all(t.authority == "president" for t in recent)
    assert all(t.decision_number.endswith("/QĐ-CTN") for t in recent)


def test_people_have_ranks_of_their_service_and_believable_ages(db):
    people = Person.objects.select_related("rank")
    assert people.count() >= 300
    for person in people:
        if person.service == Service.CIVILIAN:
            assert person.rank is None
        else:
            assert person.rank.service == person.service
        assert person.service_start is None or person.date_of_birth < person.service_start
    for deployment in Deployment.objects.select_related("person", "position"):
        age = deployment.person.age_on(deployment.starts_on)
        assert 19 <= age <= 62
        position, grade = deployment.position, deployment.person.rank.grade
        assert position.rank_min <= grade <= position.rank_max
        assert deployment.person.specialty_id == position.specialty_id


def test_nguyen_thi_huong_can_be_found_with_or_without_diacritics(db):
    personnel = User.objects.get(username="personnel")
    for query in ("Nguyễn Thị Hương", "nguyen thi huong"):
        found = PersonFilterSet({"q": query}, queryset=Person.objects.restrict(personnel)).qs
        # Exactly one of her; "Nguyễn Thị Phương Linh" matches the words too, as it should.
        assert [p.full_name for p in found].count("Nguyễn Thị Hương") == 1
    names = Person.objects.values_list("full_name", flat=True)
    with_diacritics = [name for name in names if fold(name) != name.lower()]
    assert len(with_diacritics) > 0.8 * len(names)


def test_some_documents_lapse_soon_and_some_have_lapsed(db):
    today = timezone.localdate()
    admin = User.objects.get(username="admin")
    soon = expiring_documents(admin, today, 90)
    people = Person.objects.count()
    assert 0.03 * people < len(soon) < 0.4 * people
    assert Passport.objects.filter(expires_on__lt=today).exists()
    assert Passport.objects.filter(expires_on__gte=today).count() > 0.7 * people


def test_unit_types_have_their_real_tables(db):
    strengths = {u.code: u.establishment for u in UnitType.objects.prefetch_related("positions")}
    assert strengths["l2-field-hospital"] == 63
    assert strengths["engineering-company"] == 184
    assert strengths["formed-police-unit"] == 140
    for code in (
        "staff-officer",
        "military-observer",
        "liaison-officer",
        "individual-police-officer",
    ):
        assert strengths[code] == 1
        assert UnitType.objects.get(code=code).is_individual_post
    rotation = Rotation.objects.get(unit_type__code="l2-field-hospital", number=1)
    assert Position.objects.filter(rotation=rotation).count() == 63


def test_main_records_have_a_created_entry_in_the_audit_trail(db):
    for model in (Person, Rotation, Deployment, Transition, Passport, CourseRun, Enrolment):
        created = model.history.filter(history_type="+").values("id").distinct().count()
        assert created == model.objects.count(), model.__name__


def test_demo_users_exist_with_their_roles_organisations_and_password(db):
    expected = {
        "admin": (roles.ADMINISTRATOR, {"MND", "MPS"}),
        "personnel": (roles.PERSONNEL_OFFICER, {"DPKO"}),
        "planner": (roles.PLANNER, {"DPKO"}),
        "approver": (roles.APPROVER, {"DPKO"}),
        "viewer": (roles.VIEWER, {"DPKO"}),
        "police": (roles.PERSONNEL_OFFICER, {"MPS"}),
    }
    for username, (role, organisations) in expected.items():
        user = User.objects.get(username=username)
        grants = {(m.role.name, m.organisation.short_name) for m in user.memberships.all()}
        assert grants == {(role, short_name) for short_name in organisations}
        assert user.check_password(DEFAULT_PASSWORD)
        assert user.is_superuser == user.is_staff == (username == "admin")
    training = User.objects.get(username="training")
    grants = {(m.role.name, m.organisation.short_name) for m in training.memberships.all()}
    assert grants == {(roles.TRAINING_OFFICER, "VPTC"), (roles.VIEWER, "MND")}
    police = User.objects.get(username="police")
    assert not Person.objects.restrict(police).filter(organisation__short_name="H175").exists()
    assert Person.objects.restrict(police).filter(service=Service.POLICE).exists()


def test_the_centre_runs_the_core_course_every_year_and_everyone_who_served_passed_it(db):
    runs = CourseRun.objects.filter(course__code=CPTM_CODE).select_related("organisation")
    years = [run.starts_on.year for run in runs.order_by("starts_on")]
    assert years == list(range(2014, years[-1] + 1))
    assert {run.organisation.short_name for run in runs} == {"VPTC"}
    certified = {}
    for enrolment in Enrolment.objects.filter(run__course__code=CPTM_CODE, passed=True):
        assert enrolment.certificate_number and enrolment.certificate_issued_on
        certified[enrolment.person_id] = enrolment.certificate_issued_on
    served = Deployment.objects.filter(state__in=[State.DEPLOYED, State.REPATRIATED])
    for deployment in served:
        assert certified[deployment.person_id] < deployment.starts_on
    register = Person.objects.filter(deployments=None)
    trained = register.filter(pk__in=list(certified))
    assert 0.2 * register.count() < trained.count() < 0.8 * register.count()
    assert Enrolment.objects.filter(passed=False).exists()


def test_individual_police_officers_passed_the_un_assessments_before_serving(db):
    served = Deployment.objects.filter(
        position__rotation__unit_type__code="individual-police-officer",
        state__in=[State.DEPLOYED, State.REPATRIATED],
    )
    assert served.exists()
    for deployment in served:
        passed = Assessment.objects.filter(
            person=deployment.person_id, passed=True, assessed_on__lt=deployment.starts_on
        )
        assert set(passed.values_list("kind", flat=True)) == set(AssessmentKind.values)
    assert Assessment.objects.filter(passed=False).exists()


def test_nominees_meet_what_each_step_they_reached_checks(db):
    """The workflow's steps check screenings, then training, then everything (approval)."""
    checked = {
        State.SCREENED: {RequirementKind.SCREENING},
        State.TRAINED: {RequirementKind.SCREENING, RequirementKind.COURSE},
        State.DEPLOYED: {RequirementKind.SCREENING, RequirementKind.COURSE},
    }
    for state, kinds in checked.items():
        deployments = Deployment.objects.filter(state=state).select_related(
            "position__rotation__unit_type"
        )
        holders = [(d.person_id, d.position, d.starts_on, d.ends_on) for d in deployments]
        assert holders, state
        missed = unmet_for_holders(holders, kinds=kinds | {RequirementKind.ASSESSMENT})
        assert not missed, state
    approved = Deployment.objects.filter(state=State.APPROVED).select_related(
        "position__rotation__unit_type"
    )
    assert not unmet_for_holders(
        [(d.person_id, d.position, d.starts_on, d.ends_on) for d in approved]
    )


def test_the_next_hospital_rotation_finds_ready_people_in_the_register_but_not_everyone(db):
    rotation = Rotation.objects.select_related("unit_type").get(
        unit_type__code="l2-field-hospital", status__in=PREPARING
    )
    start, end = rotation.starts_on, rotation.ends_on
    positions = list(rotation.positions.select_related("rotation__unit_type"))
    nominees = serving(rotation).values_list("person_id", flat=True)
    register = Person.objects.exclude(pk__in=list(nominees))
    ready = ready_by_position(register, positions, start, end)
    assert sum(1 for position in positions if ready[position.pk]) > len(positions) / 2
    nurse = next(p for p in positions if p.role == "Nurse")
    assert len(ready[nurse.pk]) >= 5
    # Those who are not ready are told why, and the reasons are the register's real gaps.
    missed = unmet(register, nurse, start, end)
    assert len(missed) > len(ready[nurse.pk])
    reasons = explain_failures(missed, dict.fromkeys(missed, (start, end)))
    assert all(reasons[person_id] for person_id in missed)
    gaps = {reason.category_key for found in reasons.values() for reason in found}
    assert {"passport", "medical", f"course:{CPTM_CODE}"} <= gaps


def test_loading_again_with_if_empty_adds_nothing(db):
    before = [m.objects.count() for m in (Person, Rotation, Deployment, Transition, User)]
    out = io.StringIO()
    call_command("load_demo", "--if-empty", stdout=out)
    after = [m.objects.count() for m in (Person, Rotation, Deployment, Transition, User)]
    assert after == before
    assert "not loaded" in out.getvalue()


def test_loading_again_without_if_empty_refuses_and_changes_nothing(db):
    before = Person.objects.count()
    with pytest.raises(CommandError, match="already holds people"):
        call_command("load_demo", people=10, stdout=io.StringIO())
    assert Person.objects.count() == before
