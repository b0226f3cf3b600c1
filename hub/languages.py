"""The hub's languages as pages use them: which one a page is in, which one to offer.

The address decides the language (`/events/` is the default language, `/fr/events/` French),
so a link or a cached page never changes language with the reader. A first visit whose
browser prefers another language the hub speaks gets that language offered, not imposed.
"""

from django.conf import settings
from django.urls import translate_url
from django.utils import translation
from django.utils.translation import trans_real


def browser_language(request) -> str | None:
    """The first language of the browser's Accept-Language that the hub speaks; None when
    it names none of them (or nothing at all, as crawlers do)."""
    header = request.headers.get("Accept-Language", "")
    for code, _quality in trans_real.parse_accept_lang_header(header):
        if code == "*":
            continue
        try:
            return translation.get_supported_language_variant(code)
        except LookupError:
            continue
    return None


def offered_language(request) -> str | None:
    """The language to offer this reader: their browser's choice when the page is in
    another one and they have not picked one with the switcher yet; else None."""
    if settings.LANGUAGE_COOKIE_NAME in request.COOKIES:
        return None
    preferred = browser_language(request)
    return preferred if preferred and preferred != translation.get_language() else None


def language_offer(request) -> dict | None:
    """The offered language and this page's address in it, for the offer above the page."""
    code = offered_language(request)
    if code is None:
        return None
    return {"code": code, "url": translated_url(request.get_full_path(), code)}


def language_of_path(path: str) -> str:
    """The language an address of the hub is in (`/fr/...` French, unprefixed the default)."""
    return translation.get_language_from_path(path) or settings.LANGUAGE_CODE


def translated_url(url: str, code: str) -> str:
    """`url` in language `code`. Django's translate_url resolves the address in the active
    language, so `/fr/...` would not resolve while English is active: resolve it in its own."""
    with translation.override(language_of_path(url)):
        return translate_url(url, code)


def language_links(request) -> list[dict]:
    """Each language of the hub, and whether this page is in it (the switcher posts the
    page's address to set_language, which finds it in the chosen language)."""
    current = language_of_path(request.get_full_path())
    return [
        {"code": code, "name": name, "current": code == current}
        for code, name in settings.LANGUAGES
    ]
