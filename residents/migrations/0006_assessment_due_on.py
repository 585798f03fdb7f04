"""Each assessment keeps the last day it is valid (residents.rules.assessment_due_on).

Existing assessments get what the services computed: the latest one of each person the due date
stored on the person (with any reported change), the earlier ones their region's interval in force
on the day they were made.
"""
from collections import defaultdict

from django.db import migrations, models

from facilities.rules import region_ancestors
from residents.rules import add_months

HELP = "评估在此日（含）之前有效：按评估时所在区划的复评周期计算，报告状况变化后提前到复评时限"


def fill_due_dates(apps, schema_editor):
    Assessment = apps.get_model("residents", "SelfCareAssessment")
    HistoricalAssessment = apps.get_model("residents", "HistoricalSelfCareAssessment")
    Person = apps.get_model("residents", "Person")
    RegionPolicy = apps.get_model("facilities", "RegionPolicy")
    default = RegionPolicy._meta.get_field("reassessment_months").default
    policies = defaultdict(list)
    for region_id, effective_from, months in RegionPolicy.objects.order_by("effective_from").values_list(
        "region_id", "effective_from", "reassessment_months"
    ):
        policies[region_id].append((effective_from, months))

    def interval(code, on):
        for region in region_ancestors(code):
            months = [m for effective_from, m in policies.get(region, ()) if effective_from <= on]
            if months:
                return months[-1]
        return default

    stored = dict(Person.objects.filter(assessment_due_on__isnull=False).values_list("id", "assessment_due_on"))
    rows = list(Assessment.objects.order_by("person_id", "assessed_on", "id").values_list(
        "id", "person_id", "assessed_on", "facility__region_id", "person__residence_region_id", "person__hukou_region_id",
    ))
    latest = {person_id: pk for pk, person_id, *_rest in rows}
    due = {}
    for pk, person_id, assessed_on, facility_region, residence, hukou in rows:
        if latest[person_id] == pk and person_id in stored:
            due[pk] = stored[person_id]
        else:
            due[pk] = add_months(assessed_on, interval(facility_region or residence or hukou, assessed_on))
    Assessment.objects.bulk_update([Assessment(pk=pk, due_on=day) for pk, day in due.items()], ["due_on"], batch_size=2000)
    unset = [Person(pk=person_id, assessment_due_on=due[pk]) for person_id, pk in latest.items() if person_id not in stored]
    Person.objects.bulk_update(unset, ["assessment_due_on"], batch_size=2000)
    history = list(HistoricalAssessment.objects.filter(due_on__isnull=True).values_list("history_id", "id", "assessed_on"))
    HistoricalAssessment.objects.bulk_update(
        [HistoricalAssessment(history_id=history_id, due_on=due.get(pk) or add_months(assessed_on, default))
         for history_id, pk, assessed_on in history],
        ["due_on"], batch_size=2000,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("facilities", "0006_alert_display_order_index"),
        ("residents", "0005_person_name_and_latest_assessment_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalselfcareassessment", name="due_on",
            field=models.DateField(editable=False, null=True, help_text=HELP, verbose_name="复评截止日"),
        ),
        migrations.AddField(
            model_name="selfcareassessment", name="due_on",
            field=models.DateField(editable=False, null=True, help_text=HELP, verbose_name="复评截止日"),
        ),
        migrations.RunPython(fill_due_dates, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="historicalselfcareassessment", name="due_on",
            field=models.DateField(editable=False, help_text=HELP, verbose_name="复评截止日"),
        ),
        migrations.AlterField(
            model_name="selfcareassessment", name="due_on",
            field=models.DateField(editable=False, help_text=HELP, verbose_name="复评截止日"),
        ),
    ]
