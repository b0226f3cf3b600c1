"""The hub's languages as pages use them: which one a page is in, which one to offer.

The address decides the language (`/events/` is the default language, `/fr/events/` French),
so a link or a cached page never changes language with the reader. A first visit whose
browser prefers another language the hub speaks gets that language offered, not imposed.
"""

from django.conf import settings
from django.urls import translate_url
from django.utils import translation


def offered_language(request) -> str | None:
    """The language to offer this reader: their browser's choice when the page is in
    another one and they have not picked one with the switcher yet; else None."""
    if settings.LANGUAGE_COOKIE_NAME in request.COOKIES:
        return None
    preferred = translation.get_language_from_request(request)
    return preferred if preferred != translation.get_language() else None


def language_of_path(path: str) -> str:
    """The language an address of the hub is in (`/fr/...` French, unprefixed the default)."""
    return translation.get_language_from_path(path) or settings.LANGUAGE_CODE


def translated_url(url: str, code: str) -> str:
    """`url` in language `code`. Django's translate_url resolves the address in the active
    language, so `/fr/...` would not resolve while English is active: resolve it in its own."""
    with translation.override(language_of_path(url)):
        return translate_url(url, code)


def language_links(request) -> list[dict]:
    """Each language of the hub with the address of this page in it."""
    path = request.get_full_path()
    current = language_of_path(path)
    links = []
    for code, name in settings.LANGUAGES:
        links.append({
            "code": code,
            "name": name,
            "url": translated_url(path, code),
            "current": code == current,
        })  # fmt: skip
    return links
