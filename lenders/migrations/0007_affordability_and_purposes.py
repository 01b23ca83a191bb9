from decimal import ROUND_CEILING, Decimal

from django.db import migrations, models
from django.utils import timezone

from lenders import pricing


def price_payments(apps, schema_editor):
    """Each term's largest installment per yuan at the maximum amount, as
    ``services.term_prices`` computes it."""
    LoanProduct = apps.get_model("lenders", "LoanProduct")
    ProductTermApr = apps.get_model("lenders", "ProductTermApr")
    start = timezone.localdate()
    for product in LoanProduct.objects.iterator(chunk_size=500):
        price = pricing.QuotedPrice(
            rate_value=product.rate_value,
            rate_unit=pricing.RateUnit(product.rate_unit),
            repayment_method=pricing.RepaymentMethod(product.repayment_method),
            upfront_fee_pct=product.upfront_fee_pct,
            monthly_fee_pct=product.monthly_fee_pct,
            interest_free_periods=product.interest_free_periods,
        )
        rows = list(ProductTermApr.objects.filter(product=product))
        for row in rows:
            schedule = pricing.build_schedule(
                price, amount=product.max_amount, term_months=row.term_months, start=start
            )
            largest = max(installment.payment for installment in schedule.installments)
            row.max_payment_per_yuan = (largest / schedule.amount).quantize(
                Decimal("1E-10"), rounding=ROUND_CEILING
            )
        ProductTermApr.objects.bulk_update(rows, ["max_payment_per_yuan"])


class Migration(migrations.Migration):

    dependencies = [
        ('lenders', '0006_catalogue_text_in_english'),
    ]

    operations = [
        migrations.AddField(
            model_name='eligibilityrules',
            name='purposes',
            field=models.JSONField(blank=True, default=list, help_text="Empty: the category's own. A vehicle loan serves buying a car, a business loan business; every other category serves every purpose but business.", verbose_name='purposes served'),
        ),
        migrations.AddField(
            model_name='producttermapr',
            name='max_payment_per_yuan',
            field=models.DecimalField(decimal_places=10, default=0, max_digits=16),
            preserve_default=False,
        ),
        migrations.RunPython(price_payments, migrations.RunPython.noop, elidable=True),
    ]
