from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('modelhub', '0008_version_example_inputs'),
    ]

    operations = [
        migrations.AddField(
            model_name='modelversion',
            name='tokenizer',
            field=models.JSONField(blank=True, default=dict),
        ),
    ]
