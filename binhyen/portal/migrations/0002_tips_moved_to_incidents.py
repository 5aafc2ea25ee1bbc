"""The tips moved to the incidents app (incidents 0003 copied them): their tables go."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0001_initial"),
        ("incidents", "0003_tips_from_portal"),
    ]

    operations = [
        migrations.DeleteModel(name="HistoricalTip"),
        migrations.DeleteModel(name="Tip"),
    ]
