"""The development mail backend: one line per message on the console, not its whole body.

`make run` sends every notification to the console; printing each body (and its HTML
alternative) buried the server's own output. Set EMAIL_URL=consolemail:// to see whole
messages, or smtp://… to send them.
"""

from django.core.mail.backends.console import EmailBackend as ConsoleBackend


class EmailBackend(ConsoleBackend):
    def write_message(self, message):
        recipients = ", ".join(message.recipients())
        attachments = len(getattr(message, "attachments", []) or [])
        line = f"mail → {recipients}: {message.subject} ({len(message.body)} characters"
        if attachments:
            line += f", {attachments} attachment(s)"
        self.stream.write(line + ")\n")
