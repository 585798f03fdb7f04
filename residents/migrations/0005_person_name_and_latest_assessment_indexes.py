"""Indexes for a province's lists and census (bench/): people by name, the latest assessment first."""
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("residents", "0004_relative_declarations")]

    operations = [
        migrations.AddIndex("person", models.Index(fields=["name", "id"], name="person_name_id_idx")),
        migrations.RemoveIndex("selfcareassessment", "residents_s_person__4798f0_idx"),
        migrations.AddIndex(
            "selfcareassessment",
            models.Index(fields=["person", "-assessed_on", "-id"], name="assessment_person_latest_idx"),
        ),
    ]
