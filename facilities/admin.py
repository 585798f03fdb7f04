"""Administrators assign facility managers, keep the regions and the rule parameters here and see
every change's history."""
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Facility, FacilityAssignment, Region, RegionPolicy
from .services import assignment_record


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("code", "full_name", "level")
    list_filter = ("level",)
    search_fields = ("code", "name", "full_name")


class AssignmentInline(admin.TabularInline):
    model = FacilityAssignment
    extra = 1
    autocomplete_fields = ("user",)


@admin.register(Facility)
class FacilityAdmin(SimpleHistoryAdmin):
    list_display = ("name", "kind", "operator", "region", "bed_capacity", "status")
    list_filter = ("kind", "operator", "status")
    search_fields = ("name", "region__full_name", "credit_code")
    list_select_related = ("region",)
    autocomplete_fields = ("region",)
    inlines = [AssignmentInline]

    def save_formset(self, request, form, formset, change):
        """Each assignment added here is access-logged, like one added on its own page."""
        super().save_formset(request, form, formset, change)
        for obj in formset.new_objects:
            if isinstance(obj, FacilityAssignment):
                assignment_record(request=request, assignment=obj)


@admin.register(FacilityAssignment)
class FacilityAssignmentAdmin(SimpleHistoryAdmin):
    list_display = ("user", "facility", "assigned_at")
    list_select_related = ("user", "facility")
    search_fields = ("user__username", "user__full_name", "facility__name")
    autocomplete_fields = ("user", "facility")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            assignment_record(request=request, assignment=obj)


@admin.register(RegionPolicy)
class RegionPolicyAdmin(SimpleHistoryAdmin):
    list_display = ("region", "effective_from", "staff_ratio_full", "staff_ratio_partial", "staff_ratio_self_care",
                    "staff_rounding", "proration", "note")
    list_select_related = ("region",)
    search_fields = ("region__code", "region__full_name", "note")
    autocomplete_fields = ("region",)
    date_hierarchy = "effective_from"
