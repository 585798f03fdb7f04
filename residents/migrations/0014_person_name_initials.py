"""Pinyin initials of every name, for the search box, and trigram indexes (PostgreSQL) for its queries."""
from django.db import migrations, models

from common.pinyin import name_initials
from common.trigram import trigram_indexes


def fill_initials(apps, schema_editor):
    Person = apps.get_model("residents", "Person")
    batch = []
    for person in Person.objects.only("id", "name").iterator(chunk_size=2000):
        person.name_initials = name_initials(person.name)
        batch.append(person)
        if len(batch) == 2000:
            Person.objects.bulk_update(batch, ["name_initials"])
            batch = []
    Person.objects.bulk_update(batch, ["name_initials"])


class Migration(migrations.Migration):

    dependencies = [
        ('residents', '0013_ltc_acceptance'),
    ]

    operations = [
        migrations.AddField(
            model_name='person',
            name='name_initials',
            field=models.CharField(blank=True, editable=False, help_text='common.pinyin.name_initials(name)', max_length=500, verbose_name='姓名拼音首字母'),
        ),
        migrations.RunPython(fill_initials, migrations.RunPython.noop),
        trigram_indexes(
            ("person_name_trgm", "residents_person", "name"),
            ("person_initials_trgm", "residents_person", "name_initials"),
            ("person_id_number_trgm", "residents_person", "id_number"),
        ),
    ]
