from django.db import models

from lenders.models import Lender


class InboundMessage(models.Model):
    """A signed message a lender sent us, by its ``webhook-id``: a repeat is answered as
    the first time was, and changes nothing."""

    lender = models.ForeignKey(Lender, on_delete=models.CASCADE, related_name="+")
    message_id = models.CharField(max_length=120)
    response_status = models.PositiveSmallIntegerField()
    response_body = models.JSONField()
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["lender", "message_id"], name="inbound_message_once")
        ]

    def __str__(self) -> str:
        return self.message_id
