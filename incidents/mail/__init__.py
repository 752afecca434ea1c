"""Mail intake: the IMAP mailbox polled every minute turns mail into work orders.

- `parsing`: raw bytes → sender, subject, text and attachments (Chinese charsets included)
- `loops`: auto-replies, bounces and our own notifications, which must create nothing
- `intake`: `mail_ingest` (one mail, idempotent by Message-ID) and `inbound_mail_retry`
- `imap`: `mailbox_poll` (imaplib), called by the `incidents.tasks.poll_mailbox` beat task
- `admin`: the InboundMail list with a retry action
"""
