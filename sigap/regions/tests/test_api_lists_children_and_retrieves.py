import pytest
from django.urls import include, path
from drf_spectacular.generators import SchemaGenerator
from rest_framework.routers import DefaultRouter

from sigap.regions.api import RegionViewSet
from sigap.regions.testing import load_test_regions

API = "/api/regions/"


@pytest.mark.django_db
def test_anyone_can_list_the_provinces(client):
    load_test_regions(("31", "32"))

    for params in ({"parent": ""}, {"level": "1"}, {"parent": "", "level": "1"}):
        response = client.get(API, params)
        assert response.status_code == 200
        assert [r["code"] for r in response.json()["results"]] == ["31", "32"]

    province = client.get(API, {"level": "1"}).json()["results"][1]
    assert province == {
        "code": "32",
        "name": "Jawa Barat",
        "level": 1,
        "kind": "Provinsi",
        "parent": None,
        "path": "Prov. Jawa Barat",
    }


@pytest.mark.django_db
def test_children_of_a_region_are_listed_by_parent(client):
    load_test_regions(("31",))

    data = client.get(API, {"parent": "31.71.06"}).json()

    assert data["count"] == len(data["results"]) > 0
    assert {r["parent"] for r in data["results"]} == {"31.71.06"}
    menteng = next(r for r in data["results"] if r["code"] == "31.71.06.1001")
    assert menteng["kind"] == "Kelurahan"
    assert menteng["path"].startswith("Kelurahan Menteng, Kec. Menteng, Kota Administrasi Jakarta Pusat")


@pytest.mark.django_db
def test_a_region_is_retrieved_by_its_code_and_searched_by_name(client):
    load_test_regions(("31",))

    response = client.get(f"{API}31.71.06.1001/")
    assert response.status_code == 200
    assert response.json()["name"] == "Menteng" and response.json()["parent"] == "31.71.06"
    assert client.get(f"{API}31.71/").json()["kind"] == "Kota"
    assert client.get(f"{API}99.99/").status_code == 404

    found = client.get(API, {"q": "menteng", "level": "4"}).json()["results"]
    assert found and all(r["level"] == 4 for r in found)
    assert found[0]["code"] == "31.71.06.1001"


@pytest.mark.django_db
def test_bad_parameters_get_a_clear_error(client):
    response = client.get(API, {"level": "9", "parent": "abc", "q": "m"})

    assert response.status_code == 400
    assert set(response.json()) == {"level", "parent", "q"}


def test_the_schema_documents_the_list_parameters():
    router = DefaultRouter()
    router.register("regions", RegionViewSet, basename="region")
    schema = SchemaGenerator(patterns=[path("api/", include(router.urls))]).get_schema(request=None, public=True)

    listing = schema["paths"]["/api/regions/"]["get"]
    assert {p["name"] for p in listing["parameters"]} >= {"parent", "level", "q", "limit", "offset"}
    detail = schema["paths"]["/api/regions/{code}/"]["get"]
    assert [p["name"] for p in detail["parameters"]] == ["code"]
