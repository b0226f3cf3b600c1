"""The SPDX license list, shipped with the project (directory/data/spdx_licenses.json)."""

import json
from functools import cache
from pathlib import Path

from django.core.exceptions import ValidationError

SPDX_FILE = Path(__file__).parent / "data" / "spdx_licenses.json"


@cache
def spdx_licenses() -> dict[str, dict]:
    """SPDX id -> {"name": full name, "osi": OSI-approved}."""
    return json.loads(SPDX_FILE.read_text(encoding="utf-8"))["licenses"]


def SPDX_LICENSE_CHOICES():  # noqa: N802 - Django accepts a callable for `choices`
    return [(spdx_id, f"{spdx_id} – {info['name']}") for spdx_id, info in spdx_licenses().items()]


def license_name(spdx_id: str) -> str:
    info = spdx_licenses().get(spdx_id)
    return info["name"] if info else spdx_id


@cache
def spdx_ids_by_lowercase() -> dict[str, str]:
    """Lower-cased SPDX id -> the id as SPDX spells it, to accept "mit" for "MIT"."""
    return {spdx_id.lower(): spdx_id for spdx_id in spdx_licenses()}


def spdx_id_as_spelled(value: str) -> str:
    """A license as a person typed it ("mit"), as SPDX spells it ("MIT"); "" stays "".
    Anything that is not an SPDX id is refused."""
    if not value:
        return ""
    by_lower = spdx_ids_by_lowercase()
    if value.lower() not in by_lower:
        raise ValidationError(
            f"“{value}” is not an SPDX license identifier (for example MIT or Apache-2.0)."
        )
    return by_lower[value.lower()]
