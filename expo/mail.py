"""The development e-mail backend.

Django's console backend prints whole messages: a visitor's name and address and the
private "my tickets" link would land in the terminal and in whatever collects the
process's output. This one prints that a message would have left, and its subject,
without recipients or body. To read the messages on a laptop, use Django's file
backend (``EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend``), which
writes them to ``EMAIL_FILE_PATH``; production sends through SMTP.
"""

from django.core.mail.backends.console import EmailBackend

from .redaction import redact


class ConsoleBackend(EmailBackend):
    def write_message(self, message):
        self.stream.write(
            f"E-mail not sent (console backend): {redact(str(message.subject))!r}, "
            f"{len(message.recipients())} recipient(s), "
            f"{len(message.attachments)} attachment(s)\n"
        )
