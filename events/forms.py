from django import forms
from django.utils.translation import gettext_lazy as _

from events.models import ANSWER_MAX_LENGTH, Event, Registration


def _limit(field_name: str) -> int:
    return Registration._meta.get_field(field_name).max_length


class RegistrationForm(forms.Form):
    """The event's questions: accessibility and dietary needs if asked, then the organizer's own.

    Every answer is optional; an answer over its length limit is a form error.
    """

    accessibility_needs = forms.CharField(
        label=_("Accessibility needs"),
        required=False,
        max_length=_limit("accessibility_needs"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Optional. Anything that would help you take part: step-free access, "
            "captions, a quiet room… Only the organizers see it."
        ),
    )
    dietary_requirements = forms.CharField(
        label=_("Dietary requirements"),
        required=False,
        max_length=_limit("dietary_requirements"),
        help_text=_("Optional. Only the organizers see it."),
    )

    def __init__(self, *args, event: Event, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event
        if not event.ask_accessibility:
            del self.fields["accessibility_needs"]
        if not event.ask_dietary:
            del self.fields["dietary_requirements"]
        self.question_fields = {}
        for index, question in enumerate(self.questions()):
            name = f"question_{index}"
            self.fields[name] = forms.CharField(
                label=question,
                required=False,
                max_length=ANSWER_MAX_LENGTH,
                help_text=_("Optional."),
            )
            self.question_fields[name] = question

    def questions(self) -> list[str]:
        """The organizer's questions; anything that is not a non-empty text is skipped."""
        questions = self.event.questions if isinstance(self.event.questions, list) else []
        return [q.strip() for q in questions if isinstance(q, str) and q.strip()]

    def service_arguments(self) -> dict:
        """Keyword arguments for `services.registration_create`, from the cleaned data."""
        data = self.cleaned_data
        return {
            "accessibility_needs": data.get("accessibility_needs", ""),
            "dietary_requirements": data.get("dietary_requirements", ""),
            "answers": {
                question: data[name].strip()
                for name, question in self.question_fields.items()
                if data.get(name, "").strip()
            },
        }
