"""The site's formats for zh-hans, which Django reads before the settings of the same names.

They are the settings' own (see DATE_FORMAT in tracker.settings); what is not named here,
such as the month names of the admin's date drill-down, stays as Django's zh_Hans has it.
"""

from django.conf import settings

DATE_FORMAT = settings.DATE_FORMAT
SHORT_DATE_FORMAT = settings.SHORT_DATE_FORMAT
DATETIME_FORMAT = settings.DATETIME_FORMAT
SHORT_DATETIME_FORMAT = settings.SHORT_DATETIME_FORMAT
DATE_INPUT_FORMATS = settings.DATE_INPUT_FORMATS
DATETIME_INPUT_FORMATS = settings.DATETIME_INPUT_FORMATS
