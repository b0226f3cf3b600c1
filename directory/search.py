"""Full-text search documents: PostgreSQL keeps a weighted vector per listing."""

from django.contrib.postgres.search import SearchVector
from django.db import connection
from django.db.models import Value

SEARCH_CONFIG = "english"


def search_vector_refresh(listing) -> None:
    """Rebuild the listing's stored search vector (name A, tags B, description C)."""
    if connection.vendor != "postgresql":
        return
    tags = " ".join(listing.tags.values_list("name", flat=True))
    extra = getattr(listing, "pitch", "")
    vector = (
        SearchVector(Value(listing.name), weight="A", config=SEARCH_CONFIG)
        + SearchVector(Value(tags), weight="B", config=SEARCH_CONFIG)
        + SearchVector(Value(f"{listing.description} {extra}"), weight="C", config=SEARCH_CONFIG)
    )
    type(listing).objects.filter(pk=listing.pk).update(search_vector=vector)
