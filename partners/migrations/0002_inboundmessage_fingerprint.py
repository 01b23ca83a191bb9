from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('partners', '0001_initial'),
    ]

    operations = [
        # Messages kept before this had no fingerprint; they are older than the 300 s a
        # signature is accepted for, so none of them can be replayed to compare against.
        migrations.AddField(
            model_name='inboundmessage',
            name='fingerprint',
            field=models.CharField(default='', help_text='SHA-256 of the path and body.', max_length=64),
            preserve_default=False,
        ),
    ]
