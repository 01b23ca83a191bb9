from django.db import models

from lenders.models import Lender


class InboundMessage(models.Model):
    """A signed message a lender sent us, by its ``webhook-id``, with the answer it got.

    Only real outcomes are kept (2xx and 409): the same id with the same path and body is
    answered as the first time was and changes nothing; with another path or body it is a
    409. A refusal that changed nothing (400, 404, 422) is not kept, so a captured id sent
    somewhere else first cannot spoil the genuine message.
    """

    lender = models.ForeignKey(Lender, on_delete=models.CASCADE, related_name="+")
    message_id = models.CharField(max_length=120)
    fingerprint = models.CharField(max_length=64, help_text="SHA-256 of the path and body.")
    response_status = models.PositiveSmallIntegerField()
    response_body = models.JSONField()
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["lender", "message_id"], name="inbound_message_once")
        ]

    def __str__(self) -> str:
        return self.message_id
