"""The mail outbox: every e-mail the project sends is a row written in the transaction of
the change that causes it, and sent by the task worker with retries (``services``)."""
