from allauth.account.adapter import DefaultAccountAdapter

from hub.services import email_queue, password_reset_queue


class AccountAdapter(DefaultAccountAdapter):
    """Account e-mails (verification, password reset) go out through the job queue,
    so a slow or failing SMTP server never holds up or breaks a sign-up."""

    def send_mail(self, template_prefix, email, context):
        email_queue(message=self.render_mail(template_prefix, email, context))

    def send_password_reset_mail(self, user, email, context):
        # `context` holds the reset link allauth just made; the job makes its own when it
        # sends, so the link is never written to the outbox or the broker.
        password_reset_queue(user=user, email=email)
