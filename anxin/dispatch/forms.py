from __future__ import annotations

from django import forms

from anxin.network.choices import TechnicianStatus


class LocationForm(forms.Form):
    latitude = forms.FloatField(min_value=-90, max_value=90)
    longitude = forms.FloatField(min_value=-180, max_value=180)


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=TechnicianStatus.choices)
    late_minutes = forms.IntegerField(min_value=0, max_value=480, required=False)


class SlotForm(forms.Form):
    start = forms.DateTimeField(
        input_formats=["%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M%z", "%Y-%m-%dT%H:%M:%S"]
    )
