"""Seed the working-day calendar for 2004–2026 from the `chinesecalendar` package.

The years are fixed (those the package covered when this was written), so every database holds
the same years whichever package version migrates it; later years come from
`xinyong calendar load`. Weekends are off, the package's statutory holidays are off with their
Chinese name as note, its make-up working days are on with "<name>调休上班". Years an operator
already loaded are left alone; reversing removes only the years this migration seeded.
"""

from datetime import date, timedelta

from django.db import migrations

FIRST_YEAR, LAST_YEAR = 2004, 2026
SOURCE_PREFIX = "chinesecalendar"
MAKEUP_SUFFIX = "调休上班"


def seed(apps, schema_editor):
    import chinese_calendar
    from chinese_calendar.constants import Holiday, holidays, workdays

    if min(holidays).year > FIRST_YEAR or max(holidays).year < LAST_YEAR:
        raise RuntimeError(f"chinesecalendar {chinese_calendar.__version__} lacks 2004–2026")
    calendar_year = apps.get_model("core", "CalendarYear")
    calendar_day = apps.get_model("core", "CalendarDay")
    present = set(calendar_year.objects.values_list("year", flat=True))
    years = [y for y in range(FIRST_YEAR, LAST_YEAR + 1) if y not in present]
    chinese = {holiday.value: holiday.chinese for holiday in Holiday}
    source = f"{SOURCE_PREFIX} {chinese_calendar.__version__}"
    days = []
    for year in years:
        day = date(year, 1, 1)
        while day.year == year:
            if day in holidays:
                days.append(
                    calendar_day(date=day, is_working_day=False, note=chinese[holidays[day]])
                )
            elif day in workdays:
                note = chinese[workdays[day]] + MAKEUP_SUFFIX
                days.append(calendar_day(date=day, is_working_day=True, note=note))
            else:
                days.append(calendar_day(date=day, is_working_day=day.weekday() < 5, note=""))
            day += timedelta(days=1)
    calendar_day.objects.bulk_create(days, batch_size=1000)
    calendar_year.objects.bulk_create([calendar_year(year=y, source=source) for y in years])


def unseed(apps, schema_editor):
    calendar_year = apps.get_model("core", "CalendarYear")
    calendar_day = apps.get_model("core", "CalendarDay")
    seeded = calendar_year.objects.filter(
        year__range=(FIRST_YEAR, LAST_YEAR), source__startswith=SOURCE_PREFIX
    )
    years = list(seeded.values_list("year", flat=True))
    calendar_day.objects.filter(date__year__in=years).delete()
    seeded.delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
