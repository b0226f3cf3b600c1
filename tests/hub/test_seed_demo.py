import pytest
from django.core.management import call_command

from hub.models import User
from portal.demo.base import read

DEMO_PASSWORD = read("hub", "people.yaml")["password"]


@pytest.mark.django_db
def test_seed_demo_is_safe_to_run_twice_and_its_staff_can_sign_in(client):
    call_command("seed_demo")
    call_command("seed_demo")
    assert User.objects.filter(email="admin@hub.example", is_staff=True).count() == 1
    response = client.post(
        "/accounts/login/", {"login": "admin@hub.example", "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200
