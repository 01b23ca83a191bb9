from django.db import migrations, models


def price_applied_for(apps, schema_editor):
    """Applications made before the price was kept were priced at their product's price."""
    Application = apps.get_model("applications", "Application")
    for application in Application.objects.select_related("product").filter(
        applied_price__isnull=True
    ):
        product = application.product
        application.applied_price = {
            "rate_value": str(product.rate_value),
            "rate_unit": product.rate_unit,
            "repayment_method": product.repayment_method,
            "upfront_fee_pct": str(product.upfront_fee_pct),
            "monthly_fee_pct": str(product.monthly_fee_pct),
            "interest_free_periods": product.interest_free_periods,
        }
        application.save(update_fields=["applied_price"])


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0004_offer_accepted_and_verbose_names"),
    ]

    operations = [
        migrations.AddField(
            model_name="application",
            name="applied_price",
            field=models.JSONField(editable=False, null=True),
        ),
        migrations.RunPython(price_applied_for, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="application",
            name="applied_price",
            field=models.JSONField(editable=False),
        ),
    ]
