from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# How every page names a person who deleted their account, whose address becomes
# `former-member-<id>@deleted.invalid` (a reserved domain: nothing is ever delivered there).
FORMER_MEMBER = "A former member"
DELETED_EMAIL_DOMAIN = "deleted.invalid"


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields["is_staff"] = True
        extra_fields["is_superuser"] = True
        return self._create_user(email, password, **extra_fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person with an account; the e-mail address is the login."""

    email = models.EmailField(_("e-mail address"), unique=True)
    display_name = models.CharField(
        max_length=120,
        blank=True,
        help_text=_("How your name appears on the hub. Leave empty to stay anonymous."),
    )
    show_name_on_pledges = models.BooleanField(
        _("show my name on pledge pages"),
        default=False,
        help_text=_("Otherwise your hours count, but the public sees numbers only."),
    )
    # One of settings.LANGUAGES (checked where it is set, not as choices, so a hub that adds a
    # language needs no migration); empty means the hub's default. E-mails use it.
    language = models.CharField(max_length=12, blank=True)
    is_staff = models.BooleanField(
        default=False, help_text="Whether the person can log in to the admin site."
    )
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)
    # Set when the person deleted their account: the row stays, anonymised, because
    # their logged hours still count towards their organization's pledge.
    deleted_at = models.DateTimeField(null=True, blank=True)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="hub_user_email_ci_unique"),
        ]

    def __str__(self):
        return self.get_full_name()

    @property
    def preferred_language(self) -> str:
        """The language to write to this person in: theirs if the hub still offers it."""
        offered = {code for code, _name in settings.LANGUAGES}
        return self.language if self.language in offered else settings.LANGUAGE_CODE

    def clean(self):
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    def get_full_name(self):
        if self.is_former_member:
            return FORMER_MEMBER
        return self.display_name or self.email

    def get_short_name(self):
        if self.is_former_member:
            return FORMER_MEMBER
        return self.display_name or self.email.split("@")[0]

    @property
    def is_former_member(self) -> bool:
        # Told by the address, which every query loads (`deleted_at` may be deferred).
        return self.email.endswith(f"@{DELETED_EMAIL_DOMAIN}")


class AuditEntry(models.Model):
    """Who did what to which object, and when: one row per state change that matters."""

    actor = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="audit_entries"
    )
    action = models.CharField(max_length=60, db_index=True)
    target_type = models.CharField(max_length=60)
    target_id = models.PositiveBigIntegerField()
    target_repr = models.CharField(max_length=200)
    detail = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "audit entries"
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self):
        who = self.actor or "system"
        return f"{self.created_at:%Y-%m-%d %H:%M} {who}: {self.action} {self.target_repr}"


class OutboxJob(models.Model):
    """A background job written in the same transaction as the change that needs it.

    After commit it is handed to the broker; if the broker is away, the row stays and
    `outbox_flush_task` hands it over later. Jobs are idempotent, so a job handed over
    twice does no harm.
    """

    task_name = models.CharField(max_length=200)
    args = models.JSONField(default=list)
    created_at = models.DateTimeField(default=timezone.now)
    dispatched_at = models.DateTimeField(null=True, blank=True, db_index=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.task_name}{tuple(self.args)}"


class SentNotification(models.Model):
    """One row per e-mail a job decided to send: (kind, recipient, key) happens once."""

    kind = models.CharField(max_length=40)
    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    # Which run claimed the row, so a batch learns in one query which claims are its own.
    claim_token = models.CharField(max_length=32, blank=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "recipient", "key"], name="one_notification_per_kind_recipient_key"
            ),
        ]

    def __str__(self):
        return f"{self.kind} to {self.recipient_id} ({self.key})"


class NotificationSetting(models.Model):
    """A person's choice for one kind of e-mail; without a row, the kind's default applies."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notification_settings")
    kind = models.CharField(max_length=40)
    enabled = models.BooleanField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="one_setting_per_user_kind"),
        ]

    def __str__(self):
        return f"{self.user_id} {self.kind}: {'on' if self.enabled else 'off'}"


class ForgeAccount(models.Model):
    """A person's user name on a forge, so their logged hours can be checked against the
    pull requests, commits and issues they link.

    Typed in, a name is only declared: two people may declare the same one (the reviewer
    sees that it is claimed twice). Connected through OAuth it is proven, and a proven name
    belongs to one person.
    """

    class Forge(models.TextChoices):
        GITHUB = "github", "GitHub"
        GITLAB = "gitlab", "GitLab"
        CODEBERG = "codeberg", "Codeberg"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="forge_accounts")
    forge = models.CharField(max_length=20, choices=Forge.choices)
    username = models.CharField(_("user name"), max_length=100)
    proven = models.BooleanField(
        default=False, help_text="Connected through the forge's sign-in, not only typed in."
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["forge", "username"]
        constraints = [
            models.UniqueConstraint(
                "user", "forge", Lower("username"), name="one_forge_account_per_user_and_name"
            ),
            models.UniqueConstraint(
                "forge",
                Lower("username"),
                condition=models.Q(proven=True),
                name="forge_account_proven_once",
            ),
        ]

    def __str__(self):
        return _("%(username)s on %(forge)s") % {
            "username": self.username,
            "forge": self.get_forge_display(),
        }
