from django.shortcuts import get_object_or_404, render

from events.models import Event


def index(request):
    return render(request, "events/index.html")


def detail(request, slug):
    event = get_object_or_404(Event, slug=slug, status__in=["published", "cancelled"])
    return render(request, "events/detail.html", {"event": event})
