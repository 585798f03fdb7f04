"""A trigram index (PostgreSQL) for the search box's facility names."""
from django.db import migrations

from common.trigram import trigram_indexes


class Migration(migrations.Migration):

    dependencies = [
        ('facilities', '0015_ltc_acceptance'),
    ]

    operations = [
        trigram_indexes(("facility_name_trgm", "facilities_facility", "name")),
    ]
