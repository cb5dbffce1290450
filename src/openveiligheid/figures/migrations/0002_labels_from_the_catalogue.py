"""Measures stored before the catalogue knew their label (the theft types of 83651NED) get it
now; a label an administrator changed is left alone."""

from django.db import migrations


def fill_labels(apps, schema_editor):
    from openveiligheid.core.measures import label_for

    Measure = apps.get_model("figures", "Measure")
    for measure in Measure.objects.filter(label=""):
        label = label_for(measure.name)
        if label:
            Measure.objects.filter(pk=measure.pk).update(label=label)


class Migration(migrations.Migration):
    dependencies = [("figures", "0001_initial")]

    operations = [migrations.RunPython(fill_labels, migrations.RunPython.noop)]
