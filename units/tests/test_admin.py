"""The admin site scopes rotations by organisation, as the pages do."""

from core import roles, testing


def test_the_admin_lists_only_rotations_of_the_users_organisations(client, mod, mps):
    testing.rotation(mod["hospital"], number=1)
    testing.rotation(mps["police"], number=2)
    administrator = testing.user("adm", roles.ADMINISTRATOR, mod["ministry"], is_staff=True)
    client.force_login(administrator)
    text = client.get("/admin/units/rotation/").content.decode()
    assert "Level-2 Field Hospital Rotation 1" in text
    assert "Level-2 Field Hospital Rotation 2" not in text


def test_a_superuser_reads_the_history_of_a_rotation_in_the_admin(client, mod, django_user_model):
    rotation = testing.rotation(mod["hospital"])
    root = django_user_model.objects.create_superuser("root", password="x")
    client.force_login(root)
    response = client.get(f"/admin/units/rotation/{rotation.pk}/history/")
    assert response.status_code == 200
    assert "Level-2 Field Hospital Rotation 1" in response.content.decode()
