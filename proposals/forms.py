"""Forms of the public pages that are not list filters."""

from django import forms
from django.conf import settings

# Every date is shown and typed as settings.DATE_INPUT_FORMATS has it first; an empty date
# input says so, since a clerk cannot guess between 2026-01-15, 2026/1/15 and 2026年1月15日.
DATE_HINT = {"placeholder": "YYYY-MM-DD"}


class DateInput(forms.DateInput):
    """A date input showing the format to type while it is empty."""

    def __init__(self, attrs=None, format=None):
        super().__init__({**DATE_HINT, **(attrs or {})}, format)


class DateField(forms.DateField):
    """A date field whose input shows the format to type."""

    widget = DateInput


class StatisticsForm(forms.Form):
    session = forms.ModelChoiceField(queryset=None, label="会议", empty_label=None, required=False)
    target = forms.IntegerField(
        label="按期答复率目标（%）", min_value=1, max_value=100, required=False
    )

    def __init__(self, *args, sessions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["session"].queryset = sessions
        self.fields["target"].widget.attrs["placeholder"] = round(
            settings.STATISTICS_ON_TIME_TARGET * 100
        )

    def target_rate(self) -> float | None:
        """The target as a fraction, if one was given correctly; None means the setting's."""
        percent = self.cleaned_data.get("target")
        return percent / 100 if percent else None
