"""Logos: an upload is checked by its content, re-encoded and stored; a listing without one
shows a monogram; pages, boards and the API show them; only a listing's managers change them."""

import io
import json
import os
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image, ImageDraw

from directory import services
from directory.logos import logo_prepare, monogram, monogram_background
from directory.models import ListingRevision, Membership, Organization
from tests.conftest import run_django
from tests.directory.factories import MembershipFactory, OrganizationFactory, ProjectFactory
from tests.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def image_bytes(image_format: str, size=(800, 400), mode="RGB", **save_options) -> bytes:
    """A real image, drawn by Pillow: a gradient with a disc on it."""
    image = Image.linear_gradient("L").resize(size).convert(mode)
    ImageDraw.Draw(image).ellipse((size[0] // 4, 0, size[0] // 2, size[1] // 2), fill="red")
    buffer = io.BytesIO()
    image.save(buffer, format=image_format, **save_options)
    return buffer.getvalue()


def noise_png(size) -> bytes:
    """A PNG of random pixels, which no compression makes smaller."""
    buffer = io.BytesIO()
    Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3)).save(buffer, format="PNG")
    return buffer.getvalue()


def upload(data: bytes, name="logo.png", content_type="image/png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def stored_image(name: str, media_root) -> Image.Image:
    return Image.open(media_root / name)


def refusal(file) -> str:
    with pytest.raises(ValidationError) as caught:
        logo_prepare(file)
    return " ".join(caught.value.message_dict["logo"])


# --- What an upload must be --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("image_format", "mode"), [("PNG", "RGBA"), ("JPEG", "RGB"), ("WEBP", "RGB")]
)
def test_png_jpeg_and_webp_are_re_encoded_as_webp_within_512_pixels(image_format, mode):
    logo = logo_prepare(upload(image_bytes(image_format, size=(1200, 600), mode=mode)))
    image = Image.open(io.BytesIO(logo.content))
    assert image.format == "WEBP"
    assert (logo.width, logo.height) == image.size == (512, 256)
    assert re.fullmatch(r"[0-9a-f]{24}\.webp", logo.file_name)


def test_transparency_survives_the_re_encoding():
    image = Image.new("RGBA", (64, 64), (0, 0, 0, 0))
    ImageDraw.Draw(image).ellipse((8, 8, 56, 56), fill=(11, 93, 75, 255))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    logo = logo_prepare(upload(buffer.getvalue()))
    assert Image.open(io.BytesIO(logo.content)).mode == "RGBA"


def test_a_small_logo_is_not_blown_up():
    logo = logo_prepare(upload(image_bytes("PNG", size=(120, 80))))
    assert (logo.width, logo.height) == (120, 80)


def test_metadata_is_not_carried_over():
    """A phone photo's EXIF (camera, place) is dropped; its rotation is applied first."""
    exif = Image.Exif()
    exif[0x010F] = "Harbor Phone Co"  # Make
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to display
    data = image_bytes("JPEG", size=(300, 100), exif=exif.tobytes())
    assert Image.open(io.BytesIO(data)).getexif()[0x010F] == "Harbor Phone Co"
    logo = logo_prepare(upload(data, "photo.jpg", "image/jpeg"))
    stored = Image.open(io.BytesIO(logo.content))
    assert not stored.getexif()
    assert "exif" not in stored.info and "icc_profile" not in stored.info
    assert stored.size == (100, 300)


def test_a_text_file_named_png_is_refused():
    assert "not a PNG, JPEG or WebP image" in refusal(upload(b"Not a picture at all.\n" * 50))


def test_an_svg_is_refused():
    svg = (
        b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
        b'<script>alert(1)</script><rect width="10" height="10"/></svg>'
    )
    assert "not a PNG, JPEG or WebP image" in refusal(upload(svg, "logo.svg", "image/svg+xml"))


def test_a_gif_is_refused_by_its_content_whatever_its_name():
    message = refusal(upload(image_bytes("GIF", size=(40, 40), mode="P"), "logo.png"))
    assert "GIF" in message and "PNG, JPEG or WebP" in message


def test_a_file_over_the_size_limit_is_refused(settings):
    settings.HUB_LOGO_MAX_BYTES = 50 * 1024
    data = noise_png((200, 200))
    assert re.search(r"The file is 1\d\d kB; a logo may be at most 50 kB\.", refusal(upload(data)))


def test_the_size_limit_reads_the_bytes_not_the_declared_size(settings):
    settings.HUB_LOGO_MAX_BYTES = 50 * 1024
    file = upload(noise_png((200, 200)))
    file.size = 10  # what a client claims
    assert "larger than" in refusal(file)


def test_a_decompression_bomb_is_refused_before_it_is_decoded():
    """A 20,000 × 20,000 picture of one colour: a few kilobytes, 400 million pixels."""
    buffer = io.BytesIO()
    Image.new("1", (20_000, 20_000)).save(buffer, format="PNG")
    assert len(buffer.getvalue()) < 100_000
    assert "pixels" in refusal(upload(buffer.getvalue()))


def test_the_pixel_limit_is_a_setting(settings):
    settings.HUB_LOGO_MAX_PIXELS = 100 * 100
    assert "at most 10,000 pixels" in refusal(upload(image_bytes("PNG", size=(200, 100))))
    assert logo_prepare(upload(image_bytes("PNG", size=(100, 100))))


def test_a_truncated_image_is_refused():
    data = image_bytes("PNG", size=(300, 300))
    assert "damaged" in refusal(upload(data[: len(data) // 2]))


# --- Monograms ---------------------------------------------------------------------------------


def relative_luminance(hex_colour: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def test_monogram_initials_skip_small_words():
    assert monogram("The Baltimore Data Lab").initials == "BD"
    assert monogram("chesapeake commons").initials == "CC"
    assert monogram("Harbor").initials == "H"
    assert monogram("—").initials == "?"


def test_monogram_colour_follows_the_name():
    assert monogram("Harbor Data Co").background == monogram("harbor data co ").background
    colours = {monogram(f"Organization {n}").background for n in range(40)}
    assert len(colours) > 20


def test_white_initials_keep_a_contrast_of_at_least_4_5_on_every_hue():
    white = relative_luminance("#ffffff")
    for hue in range(360):
        background = relative_luminance(monogram_background(hue))
        assert (white + 0.05) / (background + 0.05) >= 4.5, hue


# --- Submitting and editing through the pages --------------------------------------------------


def organization_form(**extra) -> dict:
    return {"name": "Chesapeake Commons", "kind": Organization.Kind.NONPROFIT, **extra}


def test_a_logo_uploaded_with_a_submission_is_stored_re_encoded(client, media_root):
    client.force_login(UserFactory())
    response = client.post(
        reverse("directory:submit"),
        organization_form(logo=upload(image_bytes("PNG", size=(900, 900)), "big.png")),
    )
    assert response.status_code == 302
    organization = Organization.objects.get(name="Chesapeake Commons")
    assert re.fullmatch(r"logos/\d{4}/[0-9a-f]{24}\.webp", organization.logo.name)
    assert stored_image(organization.logo.name, media_root).size == (512, 512)


def test_a_text_file_named_png_is_a_form_error_and_nothing_is_listed(client):
    client.force_login(UserFactory())
    response = client.post(
        reverse("directory:submit"), organization_form(logo=upload(b"plain text\n" * 20))
    )
    assert response.status_code == 200
    assert "not a PNG, JPEG or WebP image" in response.content.decode()
    assert response.context["form"].errors["logo"]
    assert not Organization.objects.exists()


def test_the_same_picture_is_stored_once(media_root):
    data = image_bytes("PNG", size=(200, 200))
    first = services.organization_submit(
        user=UserFactory(), data={"name": "One", "kind": "company"}, logo=upload(data)
    )
    second = services.organization_submit(
        user=UserFactory(), data={"name": "Two", "kind": "company"}, logo=upload(data)
    )
    assert first.logo.name == second.logo.name
    assert len(list(media_root.rglob("*.webp"))) == 1


def test_a_logo_in_the_data_never_reaches_the_listing():
    """Only a file the services re-encoded is stored, never a name a caller made up."""
    organization = services.organization_submit(
        user=UserFactory(), data={"name": "One", "kind": "company", "logo": "../../etc/passwd"}
    )
    assert not organization.logo


def edit_post(client, organization, **extra):
    data = {
        "name": organization.name,
        "kind": organization.kind,
        "description": organization.description,
        **extra,
    }
    return client.post(reverse("directory:organization-edit", args=[organization.slug]), data)


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("anonymous", False),
        ("other user", False),
        ("member", False),
        ("organization admin", True),
        ("owner", True),
        ("staff", True),
    ],
)
def test_who_may_upload_a_logo(client, who, allowed):
    organization = OrganizationFactory(verified=True)
    roles = {"member": Membership.Role.MEMBER, "organization admin": Membership.Role.ADMIN,
             "owner": Membership.Role.OWNER}  # fmt: skip
    if who == "staff":
        client.force_login(StaffFactory())
    elif who in roles:
        membership = MembershipFactory(
            organization=organization, role=roles[who], status=Membership.Status.ACTIVE
        )
        client.force_login(membership.user)
    elif who == "other user":
        client.force_login(UserFactory())
    response = edit_post(client, organization, logo=upload(image_bytes("PNG", size=(64, 64))))
    organization.refresh_from_db()
    if allowed:
        assert response.status_code == 302
        assert organization.logo.name.endswith(".webp")
    else:
        assert response.status_code in (302, 403)
        if who == "anonymous":
            assert reverse("account_login") in response["Location"]
        else:
            assert response.status_code == 403
        assert not organization.logo


def test_a_new_logo_of_a_published_unverified_listing_waits_for_staff(client):
    organization = OrganizationFactory(verified=False)
    admin = MembershipFactory(
        organization=organization, role=Membership.Role.ADMIN, status=Membership.Status.ACTIVE
    ).user
    client.force_login(admin)
    response = edit_post(client, organization, logo=upload(image_bytes("PNG", size=(64, 64))))
    assert response.status_code == 302
    organization.refresh_from_db()
    assert not organization.logo  # the public still sees the monogram
    revision = ListingRevision.objects.get(organization=organization)
    assert revision.data["logo"].endswith(".webp")
    services.revision_approve(revision=revision, actor=StaffFactory())
    organization.refresh_from_db()
    assert organization.logo.name == revision.data["logo"]


def test_remove_logo_goes_back_to_the_monogram(client):
    organization = services.organization_submit(
        user=UserFactory(),
        data={"name": "Harbor Data Co", "kind": "company"},
        logo=upload(image_bytes("PNG", size=(64, 64))),
    )
    client.force_login(organization.created_by)
    page = client.get(reverse("directory:organization-edit", args=[organization.slug]))
    assert "Remove the logo" in page.content.decode()
    response = edit_post(client, organization, remove_logo="on")
    assert response.status_code == 302
    organization.refresh_from_db()
    assert not organization.logo


def test_uploading_and_removing_at_once_is_a_form_error(client):
    organization = services.organization_submit(
        user=UserFactory(),
        data={"name": "Harbor Data Co", "kind": "company"},
        logo=upload(image_bytes("PNG", size=(64, 64))),
    )
    old_logo = organization.logo.name
    client.force_login(organization.created_by)
    response = edit_post(
        client, organization, remove_logo="on", logo=upload(image_bytes("PNG", size=(32, 32)))
    )
    assert response.status_code == 200
    assert "not both" in response.content.decode()
    organization.refresh_from_db()
    assert organization.logo.name == old_logo


# --- Where logos show --------------------------------------------------------------------------


def test_cards_show_the_logo_or_the_monogram_at_a_fixed_size(client):
    with_logo = services.organization_submit(
        user=UserFactory(),
        data={"name": "Harbor Data Co", "kind": "company"},
        logo=upload(image_bytes("PNG", size=(64, 64))),
    )
    services.listing_publish(listing=with_logo, actor=StaffFactory())
    OrganizationFactory(name="Chesapeake Commons")
    html = client.get(reverse("directory:index")).content.decode()
    image = re.search(r'<img class="logo logo--md"[^>]*>', html).group(0)
    assert f'src="/media/{Organization.objects.get(pk=with_logo.pk).logo.name}"' in image
    assert 'alt="Logo of Harbor Data Co"' in image
    assert 'width="48" height="48"' in image and 'loading="lazy"' in image
    monogram_svg = re.search(r'<svg class="logo logo--md logo--monogram".*?</svg>', html).group(0)
    assert 'width="48" height="48"' in monogram_svg and 'aria-hidden="true"' in monogram_svg
    assert ">CC</text>" in monogram_svg
    assert monogram("Chesapeake Commons").background in monogram_svg


def test_listing_pages_and_pledge_boards_show_logos(client):
    from tests.pledges.factories import ContributionFactory, PledgeFactory

    organization = services.organization_submit(
        user=UserFactory(),
        data={"name": "Harbor Data Co", "kind": "company"},
        logo=upload(image_bytes("PNG", size=(64, 64))),
    )
    services.listing_publish(listing=organization, actor=StaffFactory())
    organization.refresh_from_db()
    project = ProjectFactory(name="Row House Toolkit", organizations=[organization])
    pledge = PledgeFactory(organization=organization)
    ContributionFactory(pledge=pledge, project=project, approved=True)
    src = f'src="/media/{organization.logo.name}"'
    page = client.get(organization.get_absolute_url()).content.decode()
    assert src in page and 'class="logo logo--lg"' in page
    assert ">RHT<" not in page and ">RH</text>" in page  # the project's monogram
    assert src in client.get(project.get_absolute_url()).content.decode()
    assert src in client.get(reverse("pledges:index")).content.decode()


def test_logo_files_are_served_from_media_and_cached(client):
    organization = services.organization_submit(
        user=UserFactory(),
        data={"name": "Harbor Data Co", "kind": "company"},
        logo=upload(image_bytes("PNG", size=(64, 64))),
    )
    response = client.get(organization.logo.url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/webp"
    assert "immutable" in response["Cache-Control"]
    assert client.get("/media/logos/../../hub/settings.py").status_code == 404
    assert client.get("/media/other/file.txt").status_code == 404


# --- The API -----------------------------------------------------------------------------------


def test_the_api_gives_the_logo_url_or_null(client):
    organization = services.organization_submit(
        user=UserFactory(),
        data={"name": "Harbor Data Co", "kind": "company"},
        logo=upload(image_bytes("PNG", size=(64, 64))),
    )
    services.listing_publish(listing=organization, actor=StaffFactory())
    organization.refresh_from_db()
    ProjectFactory(name="Row House Toolkit")
    body = client.get(f"/api/v1/organizations/{organization.slug}/").json()
    assert body["logo_url"] == f"http://testserver/media/{organization.logo.name}"
    assert client.get("/api/v1/projects/row-house-toolkit/").json()["logo_url"] is None


def test_the_schema_declares_logo_url_nullable(client):
    schema = client.get("/api/schema/?format=json").json()
    for name in ("Organization", "Project"):
        field = schema["components"]["schemas"][name]["properties"]["logo_url"]
        assert field["nullable"] is True and field["readOnly"] is True


# --- Storage settings --------------------------------------------------------------------------


def test_an_s3_compatible_storage_is_used_when_configured_and_the_csp_allows_it():
    result = run_django(
        {
            "DEBUG": "1",
            "HUB_MEDIA_S3_BUCKET": "hub-logos",
            "HUB_MEDIA_S3_ENDPOINT_URL": "https://s3.example.net:9000",
            "HUB_MEDIA_S3_ACCESS_KEY_ID": "id",
            "HUB_MEDIA_S3_SECRET_ACCESS_KEY": "secret",
        },
        "import django, json; django.setup(); from django.conf import settings as s; "
        "from django.urls import resolve, Resolver404\n"
        "try:\n    resolve('/media/logos/x.webp'); routed = True\n"
        "except Resolver404:\n    routed = False\n"
        "print(json.dumps([s.STORAGES['default'], "
        "s.CONTENT_SECURITY_POLICY['DIRECTIVES']['img-src'], routed]))",
    )
    assert result.returncode == 0, result.stderr
    storage, img_src, media_routed = json.loads(result.stdout.strip().splitlines()[-1])
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    assert storage["OPTIONS"]["bucket_name"] == "hub-logos"
    assert storage["OPTIONS"]["querystring_auth"] is False
    assert "https://s3.example.net:9000" in img_src
    assert media_routed is False


def test_local_files_are_the_default():
    result = run_django(
        {"DEBUG": "1"},
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.STORAGES['default']['BACKEND'], s.MEDIA_URL)",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-2:] == [
        "django.core.files.storage.FileSystemStorage",
        "/media/",
    ]


# --- The submit form around the upload ---------------------------------------------------------


def test_the_listing_form_marks_required_fields_words_its_selects_and_groups_tags(client):
    from tests.directory.factories import TagFactory

    TagFactory(name="rust", kind="technology")
    TagFactory(name="Python", kind="technology")
    TagFactory(name="Civic tech", kind="topic")
    client.force_login(UserFactory())
    html = client.get(reverse("directory:submit")).content.decode()
    assert 'enctype="multipart/form-data"' in html
    assert 'accept="image/png,image/jpeg,image/webp"' in html
    required_mark = '<span class="required-mark" aria-hidden="true">*'
    assert f'<label for="id_name">Name</label> {required_mark}' in html
    assert re.search(r'<input[^>]*name="name"[^>]*required', html)
    assert '<option value="" selected>Choose a kind</option>' in html
    assert '<option value="" selected>Choose a size band (optional)</option>' in html
    assert "---------" not in html
    legends = re.findall(r'<fieldset class="choice-group"><legend>(\w+)</legend>', html)
    assert legends == ["Technologies", "Topics"]
    technologies = html.index("Technologies")
    assert technologies < html.index("Python") < html.index("rust") < html.index("Civic tech")
