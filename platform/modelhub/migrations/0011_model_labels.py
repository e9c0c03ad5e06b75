from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('modelhub', '0010_model_preprocessing'),
    ]

    operations = [
        migrations.AddField(
            model_name='registeredmodel',
            name='labels',
            field=models.JSONField(blank=True, default=None, null=True),
        ),
    ]
