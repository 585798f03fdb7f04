"""An index in the alert lists' order (bench/: a province has tens of thousands of open alerts)."""
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("facilities", "0005_complaints_budget_parameters")]

    operations = [
        migrations.AddIndex(
            model_name="alert",
            index=models.Index(
                models.F("resolved_at").desc(),  # DESC puts NULL (open) first on PostgreSQL
                models.Case(models.When(severity="critical", then=models.Value(0)), default=models.Value(1)),
                models.F("opened_at").desc(), models.F("id").desc(),
                name="alert_display_order_idx",
            ),
        ),
    ]
