"""Load the A/B/C outcome grades from fixtures/grades.json, so they exist after migrate."""

import json
from pathlib import Path

from django.db import migrations

GRADES_FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "grades.json"


def load_grades(apps, schema_editor):
    # The historical model, not loaddata: loaddata would use today's model against this
    # migration's schema.
    Grade = apps.get_model("proposals", "Grade")
    for entry in json.loads(GRADES_FIXTURE.read_text(encoding="utf-8")):
        Grade.objects.update_or_create(code=entry["pk"], defaults=entry["fields"])


class Migration(migrations.Migration):
    dependencies = [("proposals", "0001_initial")]

    operations = [migrations.RunPython(load_grades, migrations.RunPython.noop)]
