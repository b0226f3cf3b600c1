from allauth.account.adapter import DefaultAccountAdapter

from hub.services import email_queue


class AccountAdapter(DefaultAccountAdapter):
    """Account e-mails (verification, password reset) go out through the job queue,
    so a slow or failing SMTP server never holds up or breaks a sign-up."""

    def send_mail(self, template_prefix, email, context):
        email_queue(message=self.render_mail(template_prefix, email, context))
