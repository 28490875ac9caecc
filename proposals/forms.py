"""Forms of the public pages that are not list filters."""

from django import forms
from django.conf import settings


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
