"""Who may do what with training records, and where the menu leads."""

from core import roles, testing


def test_the_training_officer_role_keeps_runs_results_and_assessments(mod):
    officer = testing.user("trainer", roles.TRAINING_OFFICER, mod["department"])
    for action in ("add", "change", "delete"):
        for model in ("courserun", "enrolment", "assessment"):
            assert officer.has_perm(f"training.{action}_{model}")
        assert not officer.has_perm(f"training.{action}_course")
        assert not officer.has_perm(f"training.{action}_assessmentrule")
    assert officer.has_perm("people.view_person")
    assert not officer.has_perm("people.change_person")


def test_administrators_edit_the_catalogue_and_the_rules_and_others_read(mod):
    admin = testing.user("admin", roles.ADMINISTRATOR, mod["ministry"])
    planner = testing.user("planner", roles.PLANNER, mod["department"])
    assert admin.has_perm("training.change_course")
    assert admin.has_perm("training.change_assessmentrule")
    assert planner.has_perm("training.view_enrolment")
    assert not planner.has_perm("training.change_enrolment")


def test_the_menu_leads_to_training_for_those_who_may_view_runs(client, mod, viewer):
    client.force_login(viewer)
    text = client.get("/training/runs/").content.decode()
    assert 'href="/training/runs/"><i class="bi bi-mortarboard"></i> Training</a>' in text
    assert 'href="/training/courses/"' in text and 'href="/training/assessments/"' in text


def test_the_admin_lists_every_training_model(client, db):
    from django.contrib.auth.models import User

    superuser = User.objects.create_superuser("root", "root@example.org", "pass-word-42")
    client.force_login(superuser)
    for model in ("course", "courserun", "enrolment", "assessmentrule", "assessment"):
        assert client.get(f"/admin/training/{model}/").status_code == 200
        assert client.get(f"/admin/training/{model}/add/").status_code == 200
